"""State every gateway instance must see alike: rate-limit windows, lockout counters, short-lived marks.

One ``SharedStore`` per process, opened by the app's lifespan from ``ISHENZHEN_VALKEY_URL``: without it the
state lives in this process (right for one instance with one worker), with it in Valkey, so that N instances
(or workers) share one budget. Both sit behind the ``limits`` library's async storages, which do the atomic
increment-with-expiry for us (one round trip, a Lua script on Valkey).

The interface is deliberately small:

- ``limiter``: a ``limits`` fixed-window rate limiter (``hit``/``test``/``get_window_stats``/``clear``), used by
  ``identity.accounts.throttle``;
- ``mark(key, seconds)`` / ``is_marked(key)``: remember a key until it expires (a revoked token id until the
  token would have expired anyway). The first ``mark`` fixes the expiry; marking again does not extend it;
- ``healthy()`` and ``close()``.

A store that cannot be reached raises ``StoreUnavailable``; each caller decides whether that means "refuse"
(sign-in) or "carry on" (a limit whose only job is fairness).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Final

import structlog
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError

__all__ = ["SharedStore", "StoreUnavailable", "shared_store_lifespan", "valkey_storage_uri"]

log = structlog.get_logger(__name__)

_PREFIX: Final = "ishenzhen"
_MARKS: Final = "mark:"


class StoreUnavailable(Exception):
    """The shared store (Valkey) did not answer in time or refused the command."""


def valkey_storage_uri(url: str) -> str:
    """The ``limits`` storage URI of a Valkey URL (``redis://``, ``rediss://``, ``valkey://`` or ``valkeys://``)."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("redis", "rediss", "valkey", "valkeys"):
        raise ValueError(f"not a Valkey URL: {scheme or url!r}")
    return "async+" + scheme.replace("redis", "valkey") + "://" + rest


class SharedStore:
    def __init__(self, storage: Storage, *, shared: bool) -> None:
        self.storage = storage
        self.shared = shared  # True when other instances see the same state
        self.limiter = FixedWindowRateLimiter(storage)

    @classmethod
    def in_memory(cls) -> SharedStore:
        return cls(MemoryStorage(), shared=False)

    @classmethod
    def valkey(cls, url: str, timeout_seconds: float) -> SharedStore:
        storage = RedisStorage(
            valkey_storage_uri(url),
            wrap_exceptions=True,
            implementation="valkey",
            key_prefix=_PREFIX,
            socket_timeout=timeout_seconds,
            socket_connect_timeout=timeout_seconds,
        )
        return cls(storage, shared=True)

    @classmethod
    def open(cls, valkey_url: str | None, timeout_seconds: float) -> SharedStore:
        """The store the settings name: Valkey when a URL is given, this process's memory otherwise."""
        return cls.in_memory() if valkey_url is None else cls.valkey(valkey_url, timeout_seconds)

    async def mark(self, key: str, seconds: int) -> None:
        """Remember ``key`` for ``seconds`` (at least 1)."""
        try:
            await self.storage.incr(_MARKS + key, max(1, seconds))
        except StorageError as exc:
            raise StoreUnavailable(str(exc)) from exc

    async def is_marked(self, key: str) -> bool:
        try:
            return await self.storage.get(_MARKS + key) > 0
        except StorageError as exc:
            raise StoreUnavailable(str(exc)) from exc

    async def healthy(self) -> bool:
        try:
            return await self.storage.check()
        except StorageError:
            return False

    async def close(self) -> None:
        if isinstance(self.storage, RedisStorage):
            # The bridge's client owns the connection pool; limits offers no close of its own.
            client = getattr(self.storage.bridge, "storage", None)
            if client is not None:
                await client.aclose()


def shared_store_lifespan(
    valkey_url: str | None, timeout_seconds: float, workers: int
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """The process's one store as ``app.state.shared_store``, closed when the app stops."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        store = SharedStore.open(valkey_url, timeout_seconds)
        if not store.shared and workers > 1:
            # Each worker would count on its own: budgets multiplied by the number of workers.
            log.warning("shared_store.per_process", workers=workers)
        app.state.shared_store = store
        try:
            yield
        finally:
            await store.close()

    return lifespan
