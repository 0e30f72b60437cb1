"""The scheduler: every instance looks for due publications and withdrawals every few seconds.

Several instances may run it at once: ``run_due`` locks due items with SKIP LOCKED, so each is published by
exactly one of them. The interval is ``ISHENZHEN_REGISTRY_SCHEDULER_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import asyncpg
import structlog
from litestar import Litestar

from ishenzhen.registry._publishing import run_due

__all__ = ["RegistryScheduler", "registry_lifespan", "run_due"]

log = structlog.get_logger(__name__)


class RegistryScheduler:
    def __init__(
        self,
        pool: asyncpg.Pool,
        interval: float,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.pool = pool
        self.interval = interval
        self.clock = clock
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="registry-scheduler")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    async def tick(self) -> int:
        async with self.pool.acquire() as connection:
            return await run_due(connection, self.clock())

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                done = await self.tick()
                if done:
                    log.info("registry.scheduler_ran", done=done)
            except Exception:  # the scheduler outlives any one failed tick
                # The database is away, or one batch failed: it rolled back whole; try again next tick.
                log.exception("registry.scheduler_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)


def registry_lifespan(interval: float) -> Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        scheduler = RegistryScheduler(app.state.db_pool, interval)
        scheduler.start()
        app.state.registry_scheduler = scheduler
        try:
            yield
        finally:
            await scheduler.stop()

    return lifespan
