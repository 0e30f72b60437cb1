"""The app's instant-approval resources: the registered rule sets, one platform client, and a task that signs
access-log checkpoints. Handling's submission reads ``app.state.rule_sets[item]`` and ``app.state.platform``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import asyncpg
import structlog
from litestar import Litestar

from ishenzhen.approvals.catalogue import RuleSetFolder
from ishenzhen.registry.rule_sets import PublishedRuleSets
from ishenzhen.settings import Settings
from ishenzhen.sharing.access_log import AuditKey, queries, write_checkpoint
from ishenzhen.sharing.service import audit_key, platform_client

__all__ = ["periodic_checkpoints", "sharing_lifespan"]

log = structlog.get_logger(__name__)
_CHECKPOINT_LOCK = 4013  # one instance signs a given checkpoint; the others skip that round


async def periodic_checkpoints(pool: asyncpg.Pool, key: AuditKey, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            async with pool.acquire() as connection:
                if await queries.try_checkpoint_lock(connection, key=_CHECKPOINT_LOCK):
                    try:
                        await write_checkpoint(connection, key)
                    finally:
                        await queries.release_checkpoint_lock(connection, key=_CHECKPOINT_LOCK)
        except (asyncpg.PostgresError, OSError) as exc:
            log.warning("sharing.checkpoint_failed", error=type(exc).__name__)


def sharing_lifespan(
    settings: Settings,
) -> Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        key = audit_key(settings)  # production without its own key stops here, at start-up
        # The rule set published with an item's registry version wins over the city's template.
        catalog = lambda: getattr(getattr(app.state, "catalog", None), "snapshot", None)  # noqa: E731
        app.state.rule_sets = PublishedRuleSets(
            catalog, RuleSetFolder(settings.catalog.effective_source_dir / "rules")
        )
        client = platform_client(settings)
        app.state.platform = client
        task = asyncio.create_task(
            periodic_checkpoints(app.state.db_pool, key, settings.sharing.checkpoint_seconds)
        )
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await client.aclose()

    return lifespan
