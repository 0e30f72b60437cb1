"""Publishing and withdrawing: the registry's versions and the public catalogue change in one transaction.

Called with the item's row locked (``_store.lock_item`` or the scheduler's SKIP LOCKED selection).
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import structlog

from ishenzhen.catalog.publication import apply_catalog_changes, lock_catalog_writes
from ishenzhen.db.pool import Connection
from ishenzhen.errors import Conflict
from ishenzhen.registry._access import SCHEDULER, Actor
from ishenzhen.registry._store import audit, document_of
from ishenzhen.registry.sql import queries

__all__ = ["publish", "run_due", "withdraw_now"]

log = structlog.get_logger(__name__)
_BATCH = 100


async def publish(
    connection: Connection,
    row: asyncpg.Record,
    actor: Actor,
    now: dt.datetime,
    action: str = "published",
) -> int:
    """Make version ``row`` the published one (the previous one is superseded); the catalogue revision."""
    code, version = row["code"], row["version"]
    previous = await queries.version_in_status(connection, code=code, statuses=["published"])
    if previous is not None:
        await queries.set_status(
            connection, code=code, version=previous["version"], status="superseded", now=now
        )
    await queries.mark_published(connection, code=code, version=version, now=now)
    item = document_of(row)
    revision = await apply_catalog_changes(connection, upserts=[item], withdrawals=[])
    await audit(
        connection,
        code,
        version,
        action,
        actor,
        now,
        before=document_of(previous) if previous is not None else None,
        after=item if previous else None,
    )
    log.info("registry.published", code=code, version=version, actor=actor.name, revision=revision)
    return revision


async def withdraw_now(connection: Connection, code: str, reason: str, actor: Actor, now: dt.datetime) -> int:
    published = await queries.version_in_status(connection, code=code, statuses=["published"])
    if published is None:
        raise Conflict(f"item {code!r} is not published; there is nothing to withdraw")
    await queries.mark_decided(
        connection,
        code=code,
        version=published["version"],
        status="withdrawn",
        actor=actor.name,
        reason=reason,
        now=now,
    )
    await queries.clear_withdrawal(connection, code=code)
    revision = await apply_catalog_changes(connection, upserts=[], withdrawals=[code])
    await audit(connection, code, published["version"], "withdrawn", actor, now, reason=reason)
    log.info(
        "registry.withdrawn", code=code, version=published["version"], actor=actor.name, revision=revision
    )
    return revision


async def run_due(connection: Connection, now: dt.datetime) -> int:
    """Publish every scheduled version and carry out every withdrawal due at ``now``; returns how many.

    Each batch is one transaction; items another instance holds are skipped (it is publishing them).
    """
    done = 0
    while True:
        async with connection.transaction():
            await lock_catalog_writes(connection)  # before the row locks: the writers' lock order
            codes = [row["code"] async for row in queries.due_items(connection, now=now, limit=_BATCH)]
            for code in codes:
                done += await _run_item(connection, code, now)
        if len(codes) < _BATCH:
            return done


async def _run_item(connection: Connection, code: str, now: dt.datetime) -> int:
    done = 0
    scheduled = await queries.version_in_status(connection, code=code, statuses=["scheduled"])
    if scheduled is not None and scheduled["effective_at"] <= now:
        await publish(connection, scheduled, SCHEDULER, now)
        done += 1
    item = await queries.lock_item(connection, code=code)
    if item["withdraw_at"] is not None and item["withdraw_at"] <= now:
        published = await queries.version_in_status(connection, code=code, statuses=["published"])
        if published is None:  # nothing listed any more: the schedule has nothing left to do
            await queries.clear_withdrawal(connection, code=code)
        else:
            await withdraw_now(connection, code, item["withdraw_reason"], SCHEDULER, now)
            done += 1
    return done
