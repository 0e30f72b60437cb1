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

from collections import OrderedDict
from collections.abc import Callable, Hashable

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from ishenzhen.lib.http_cache import etag_matches

__all__ = ["SharedResponseCache"]

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
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        self._seen_once: OrderedDict[_Key, None] = OrderedDict()
        self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(self.prefixes):
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
            self._entries.move_to_end(key)
            await self._replay(entry, if_none_match, send)
            return
        if self._admit(key):
            await self.app(scope, receive, self._capturing(key, send))
        else:
            await self.app(scope, receive, send)

    def _admit(self, key: _Key) -> bool:
        if key in self._seen_once:
            del self._seen_once[key]
            return True
        self._seen_once[key] = None
        if len(self._seen_once) > self.doorkeeper:
            self._seen_once.popitem(last=False)
        return False

    async def _replay(self, entry: _Entry, if_none_match: str | None, send: Send) -> None:
        if etag_matches(if_none_match, entry.etag):
            headers = [h for h in entry.headers if h[0] != b"content-type"]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [*entry.headers, (b"content-length", str(len(entry.body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body})

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
        if len(entry.body) > self.max_bytes // 16:
            return
        previous = self._entries.pop(key, None)  # two concurrent misses may both finish
        if previous is not None:
            self._bytes -= len(previous.body)
        self._entries[key] = entry
        self._bytes += len(entry.body)
        while self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)
