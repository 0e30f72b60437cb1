"""The shared response cache replays finished public responses, and only those, for the current version."""

from __future__ import annotations

from typing import Any

import httpx

from ishenzhen.lib.shared_cache import SharedResponseCache


class CountingApp:
    """A minimal ASGI app standing for the real one: counts the requests that reach it."""

    def __init__(self) -> None:
        self.calls = 0
        self.status = 200

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.calls += 1
        body = f'{{"call": {self.calls}, "q": "{scope["query_string"].decode()}"}}'.encode()
        headers = [(b"content-type", b"application/json"), (b"etag", f'"v{self.calls}"'.encode())]
        headers.append((b"x-secret-internal", b"1"))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def client_for(cache: SharedResponseCache) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=cache), base_url="http://test")


async def test_a_repeat_is_replayed_without_reaching_the_app() -> None:
    app = CountingApp()
    cache = SharedResponseCache(app, prefixes=("/v1/catalog/",), version=lambda: 1)
    async with client_for(cache) as client:
        await client.get("/v1/catalog/items?limit=5")  # first sight: answered, not stored
        first = await client.get("/v1/catalog/items?limit=5")  # second: stored
        second = await client.get("/v1/catalog/items?limit=5")  # replayed
        other = await client.get("/v1/catalog/items?limit=6")
    assert app.calls == 3
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-length"] == str(len(first.content))
    assert "x-secret-internal" not in second.headers
    assert other.json()["q"] == "limit=6"


async def test_if_none_match_on_a_cached_entry_is_304() -> None:
    app = CountingApp()
    cache = SharedResponseCache(app, prefixes=("/v1/catalog/",), version=lambda: 1)
    async with client_for(cache) as client:
        await client.get("/v1/catalog/items")
        etag = (await client.get("/v1/catalog/items")).headers["etag"]
        response = await client.get("/v1/catalog/items", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b""
    assert response.headers["etag"] == etag


async def test_a_new_version_is_never_served_old_bytes() -> None:
    app = CountingApp()
    version = {"now": 1}
    cache = SharedResponseCache(app, prefixes=("/v1/catalog/",), version=lambda: version["now"])
    async with client_for(cache) as client:
        await client.get("/v1/catalog/items")
        before = await client.get("/v1/catalog/items")
        version["now"] = 2
        after = await client.get("/v1/catalog/items")
    assert before.json()["call"] == 2 and after.json()["call"] == 3


async def test_credentials_errors_other_paths_and_unready_data_bypass_the_cache() -> None:
    app = CountingApp()
    ready = {"version": None}
    cache = SharedResponseCache(app, prefixes=("/v1/catalog/",), version=lambda: ready["version"])
    async with client_for(cache) as client:
        await client.get("/v1/catalog/items")
        await client.get("/v1/catalog/items")  # no snapshot yet: nothing is cached
        ready["version"] = 1
        await client.get("/v1/catalog/items", headers={"Authorization": "Bearer x"})
        await client.get("/v1/catalog/items", headers={"Authorization": "Bearer x"})
        await client.get("/v1/me")
        await client.get("/v1/me")
        app.status = 404
        await client.get("/v1/catalog/items/none")
        await client.get("/v1/catalog/items/none")
    assert app.calls == 8
    assert len(cache._entries) == 0


async def test_total_size_stays_within_its_bound() -> None:
    app = CountingApp()
    cache = SharedResponseCache(app, prefixes=("/v1/catalog/",), version=lambda: 1, max_bytes=16 * 40)
    async with client_for(cache) as client:
        for page in range(50):
            await client.get(f"/v1/catalog/items?page={page}")
            await client.get(f"/v1/catalog/items?page={page}")
        calls = app.calls
        await client.get("/v1/catalog/items?page=0")  # long evicted
        await client.get("/v1/catalog/items?page=49")  # most recent: still there
    assert app.calls == calls + 1
    assert cache._entries.weight <= cache.max_bytes


async def test_one_off_requests_never_displace_what_repeats() -> None:
    app = CountingApp()
    cache = SharedResponseCache(app, prefixes=("/v1/catalog/",), version=lambda: 1, doorkeeper=8)
    async with client_for(cache) as client:
        for _ in range(2):
            await client.get("/v1/catalog/search?q=hot")
        for n in range(100):  # a stream of searches typed once each
            await client.get(f"/v1/catalog/search?q=once{n}")
        calls = app.calls
        await client.get("/v1/catalog/search?q=hot")
    assert app.calls == calls
    assert len(cache._entries) == 1


async def test_vary_headers_are_part_of_the_key() -> None:
    app = CountingApp()
    cache = SharedResponseCache(
        app, prefixes=("/v1/app/home",), version=lambda: 1, vary=(b"Accept-Language",)
    )
    async with client_for(cache) as client:
        english = [await client.get("/v1/app/home", headers={"Accept-Language": "en"}) for _ in range(3)]
        chinese = [await client.get("/v1/app/home", headers={"Accept-Language": "zh-CN"}) for _ in range(3)]
        bare = [await client.get("/v1/app/home") for _ in range(3)]
    # Each language is answered twice (doorkeeper, then stored) and replayed the third time, never mixed.
    assert app.calls == 6
    assert english[2].content == english[1].content != chinese[2].content == chinese[1].content
    assert bare[2].content == bare[1].content not in {english[1].content, chinese[1].content}


async def test_a_header_too_long_for_the_handler_is_refused_even_when_the_answer_is_cached(client) -> None:
    for _ in range(3):  # admitted on the second request, answered from the cache from then on
        assert (await client.get("/v1/catalog/themes")).status_code == 200
    response = await client.get("/v1/catalog/themes", headers={"If-None-Match": "x" * 513})
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"].lower() == "if-none-match"
