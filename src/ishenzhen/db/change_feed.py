"""Tell this instance when shared data changed: PostgreSQL LISTEN/NOTIFY, with a poll as the safety net.

NOTIFY is fast but not durable: a notification sent while the listening connection is down is lost. So the
feed also calls ``on_change`` every ``poll_interval`` seconds; ``on_change`` must therefore be cheap when
nothing changed (compare a revision number). Calls never overlap: a change arriving during a refresh
triggers exactly one more refresh afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import asyncpg
import structlog

__all__ = ["ChangeFeed"]

log = structlog.get_logger(__name__)

_RECONNECT_MAX_S = 5.0


class ChangeFeed:
    def __init__(
        self,
        url: str,
        channel: str,
        on_change: Callable[[], Awaitable[object]],
        *,
        poll_interval: float = 5.0,
        connect_timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.channel = channel
        self.on_change = on_change
        self.poll_interval = poll_interval
        self.connect_timeout = connect_timeout
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._connected = asyncio.Event()

    @property
    def listening(self) -> bool:
        return self._connected.is_set()

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._listen_forever(), name=f"change-feed-listen-{self.channel}"),
            asyncio.create_task(self._refresh_forever(), name=f"change-feed-refresh-{self.channel}"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def _notified(self, *_args: object) -> None:
        self._wake.set()

    async def _listen_forever(self) -> None:
        delay = 0.1
        while True:
            connection: asyncpg.Connection | None = None
            try:
                connection = await asyncpg.connect(
                    self.url,
                    timeout=self.connect_timeout,
                    server_settings={"application_name": f"ishenzhen-feed-{self.channel}"},
                )
                lost = asyncio.Event()
                connection.add_termination_listener(lambda _c, lost=lost: lost.set())
                await connection.add_listener(self.channel, self._notified)
                self._connected.set()
                delay = 0.1
                # Anything may have changed while we were not listening.
                self._wake.set()
                log.info("change_feed.listening", channel=self.channel)
                await lost.wait()
                log.warning("change_feed.connection_lost", channel=self.channel)
            except Exception as exc:
                # Whatever breaks the connection (the server ending it mid-LISTEN surfaces as asyncpg's
                # InternalClientError, which is none of its usual error classes) must end in a reconnect:
                # a listener that dies leaves this instance on the poll alone, silently.
                log.warning("change_feed.connect_failed", channel=self.channel, error=type(exc).__name__)
            finally:
                self._connected.clear()
                if connection is not None and not connection.is_closed():
                    await connection.close(timeout=1)
            await asyncio.sleep(delay)
            delay = min(delay * 2, _RECONNECT_MAX_S)

    async def _refresh_forever(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_interval):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.on_change()
            except asyncio.CancelledError:
                raise
            except Exception:
                # A failed refresh keeps the previous data; the next notification or poll tries again.
                log.exception("change_feed.refresh_failed", channel=self.channel)
