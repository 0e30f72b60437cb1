"""A shared (public) response cache in front of the app, for anonymous reads of versioned data.

The catalogue answers the same bytes to every anonymous caller until its snapshot changes, so the gateway
keeps the finished 200 responses, keyed by the data version, path and raw query string, and replays them
without routing, parameter parsing or encoding: what a CDN in front of the service would do, kept in-process
so the first hop is fast too. Requests that carry credentials never use it. Entries of an older version are
never served (the version is part of the key) and age out of the LRU, bounded by total bytes.

A response is stored the second time its key is asked for within the last ``doorkeeper`` distinct misses:
one-off queries (most searches are typed once) would otherwise churn the cache and evict the hot ones, and
copying their bodies costs every miss. This is the "doorkeeper" of TinyLFU-style admission.

``vary`` names request headers whose raw values join the key, for responses that ``Vary`` on them (the app's
home screen is localised by ``Accept-Language``). Raw values, not negotiated ones: the cache knows nothing of
the negotiation, and the few headers real apps send give few entries.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Final

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from ishenzhen.lib.http_cache import FinishedResponse, etag_matches
from ishenzhen.lib.lru import LRU

__all__ = ["SharedResponseCache"]

# The scope type as litestar's types declare it (an enum member, which lets the checker narrow the scope),
# bound once: looking the member up costs about 70 ns a request.
_HTTP: Final = ScopeType.HTTP
_PRIVATE_HEADERS = frozenset({b"authorization", b"cookie"})
_KEPT_HEADERS = frozenset({b"content-type", b"content-language", b"etag", b"cache-control", b"vary"})
# The cached handlers bound If-None-Match and Accept-Language at 512 characters; a longer value must reach
# their validation (400) rather than be answered from the cache.
_LONGEST_CHECKED_VALUE = 512


# (data version, path, raw query string, then the raw value of each ``vary`` header or None)
_Key = tuple[Hashable, ...]


class _Entry:
    __slots__ = ("body", "etag", "headers")

    def __init__(self, headers: list[tuple[bytes, bytes]], body: bytes, etag: str) -> None:
        self.headers = headers
        self.body = body
        self.etag = etag


class SharedResponseCache:
    def __init__(
        self,
        app: ASGIApp,
        *,
        prefixes: tuple[str, ...],
        version: Callable[[], Hashable | None],
        max_bytes: int = 32 * 1024 * 1024,
        doorkeeper: int = 4096,
        vary: tuple[bytes, ...] = (),
    ) -> None:
        self.app = app
        self.prefixes = prefixes
        self.version = version
        self.max_bytes = max_bytes
        self.doorkeeper = doorkeeper
        self.vary = tuple(name.lower() for name in vary)
        self._entries: LRU[_Key, _Entry] = LRU(max_bytes, weigh=_body_size)
        self._seen_once: LRU[_Key, bool] = LRU(doorkeeper)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != _HTTP or scope["method"] != "GET" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        if_none_match: str | None = None
        varying: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name in _PRIVATE_HEADERS or len(value) > _LONGEST_CHECKED_VALUE:
                # Private, or longer than the handlers accept: the app answers (and refuses) it itself.
                await self.app(scope, receive, send)
                return
            if name == b"if-none-match":
                if_none_match = value.decode("latin-1")
            elif name in self.vary:
                varying[name] = value
        version = self.version()
        if version is None:
            await self.app(scope, receive, send)
            return
        key: _Key = (version, scope["path"], scope["query_string"])
        if self.vary:
            key = (*key, *(varying.get(name) for name in self.vary))
        entry = self._entries.get(key)
        if entry is not None:
            await self._replay(entry, if_none_match)(scope, receive, send)
            return
        if self._admit(key):
            await self.app(scope, receive, self._capturing(key, send))
        else:
            await self.app(scope, receive, send)

    def _admit(self, key: _Key) -> bool:
        if self._seen_once.pop(key) is not None:
            return True
        self._seen_once.put(key, True)
        return False

    @staticmethod
    def _replay(entry: _Entry, if_none_match: str | None) -> FinishedResponse:
        if etag_matches(if_none_match, entry.etag):
            return FinishedResponse(304, [h for h in entry.headers if h[0] != b"content-type"])
        headers = [*entry.headers, (b"content-length", str(len(entry.body)).encode())]
        return FinishedResponse(200, headers, entry.body)

    def _capturing(self, key: _Key, send: Send) -> Send:
        kept: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        cacheable = False

        async def capture(message: Message) -> None:
            nonlocal cacheable
            if message["type"] == "http.response.start":
                kept[:] = [
                    (n.lower(), v) for n, v in message.get("headers", ()) if n.lower() in _KEPT_HEADERS
                ]
                cacheable = message["status"] == 200 and any(n == b"etag" for n, _ in kept)
            elif message["type"] == "http.response.body" and cacheable:
                chunks.append(message.get("body", b""))
                # Stored only once complete, and only if the data did not change while it was built.
                if not message.get("more_body", False) and self.version() == key[0]:
                    etag = next(v for n, v in kept if n == b"etag").decode("latin-1")
                    self._store(key, _Entry(kept, b"".join(chunks), etag))
            await send(message)

        return capture

    def _store(self, key: _Key, entry: _Entry) -> None:
        # One large answer must not push out many small hot ones. Two concurrent misses may both finish:
        # the LRU replaces the first.
        if len(entry.body) <= self.max_bytes // 16:
            self._entries.put(key, entry)


def _body_size(entry: _Entry) -> int:
    return len(entry.body)
