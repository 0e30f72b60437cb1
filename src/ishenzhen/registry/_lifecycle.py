"""After publication: withdrawal (下线) now or at a date, cancelling a schedule, and rollback.

Rollback needs no review: it publishes again content that a reviewer approved before, and a department undoing
a bad publication during an incident cannot wait for the queue. It is still checked whole against today's
reference data, recorded with its reason, and shown in the history with the fields it changed.
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import structlog

from ishenzhen.catalog.publication import apply_catalog_changes
from ishenzhen.db.pool import Connection
from ishenzhen.errors import Conflict, FieldError, InvalidInput
from ishenzhen.registry._access import Actor
from ishenzhen.registry._etag import check_if_match, encoded
from ishenzhen.registry._publishing import withdraw_now
from ishenzhen.registry._store import (
    audit,
    content_of,
    document_of,
    item_view,
    load_version,
    lock_item,
    raw_document,
    version_view,
)
from ishenzhen.registry._validation import load_references, validate_item
from ishenzhen.registry.schemas import (
    CancelScheduleRequest,
    ItemView,
    RollbackRequest,
    VersionView,
    WithdrawRequest,
)
from ishenzhen.registry.sql import queries

__all__ = ["cancel_schedule", "rollback", "withdraw"]

log = structlog.get_logger(__name__)
_ONCE_PUBLISHED = frozenset({"published", "superseded", "withdrawn"})


async def _locked_for_writer(
    connection: Connection, actor: Actor, code: str, if_match: str | None
) -> asyncpg.Record:
    locked = await lock_item(connection, code)
    actor.require_writer(locked["department"])
    check_if_match(if_match, encoded(await item_view(connection, code)), required=False, what="item")
    return locked


async def withdraw(
    connection: Connection, actor: Actor, code: str, request: WithdrawRequest, if_match: str | None
) -> ItemView:
    now = dt.datetime.now(dt.UTC)
    async with connection.transaction():
        await _locked_for_writer(connection, actor, code, if_match)
        if request.effective_at is None or request.effective_at <= now:
            await withdraw_now(connection, code, request.reason, actor, now)
        else:
            if (
                await queries.version_in_status(connection, code=code, statuses=["published", "scheduled"])
                is None
            ):
                raise Conflict(f"item {code!r} is not published; there is nothing to withdraw")
            await queries.schedule_withdrawal(
                connection, code=code, at=request.effective_at, reason=request.reason, actor=actor.name
            )
            await audit(connection, code, None, "withdrawal_scheduled", actor, now, reason=request.reason)
            log.info("registry.withdrawal_scheduled", code=code, at=request.effective_at.isoformat())
        return await item_view(connection, code)


async def cancel_schedule(
    connection: Connection,
    actor: Actor,
    code: str,
    request: CancelScheduleRequest,
    if_match: str | None,
) -> ItemView:
    """Call off the item's scheduled publication and withdrawal (its department or a reviewer)."""
    now = dt.datetime.now(dt.UTC)
    async with connection.transaction():
        locked = await lock_item(connection, code)
        if not actor.is_reviewer:
            actor.require_writer(locked["department"])
        check_if_match(if_match, encoded(await item_view(connection, code)), required=False, what="item")
        scheduled = await queries.version_in_status(connection, code=code, statuses=["scheduled"])
        if scheduled is None and locked["withdraw_at"] is None:
            raise Conflict(f"item {code!r} has nothing scheduled")
        if scheduled is not None:
            await _cancel_scheduled(connection, actor, code, scheduled["version"], now, request.reason)
        if locked["withdraw_at"] is not None:
            await queries.clear_withdrawal(connection, code=code)
            await audit(connection, code, None, "withdrawal_cancelled", actor, now, reason=request.reason)
        return await item_view(connection, code)


async def _cancel_scheduled(
    connection: Connection, actor: Actor, code: str, version: int, now: dt.datetime, reason: str
) -> None:
    await queries.set_status(connection, code=code, version=version, status="cancelled", now=now)
    await audit(connection, code, version, "schedule_cancelled", actor, now, reason=reason)


async def rollback(
    connection: Connection, actor: Actor, code: str, request: RollbackRequest, if_match: str | None
) -> VersionView:
    """Publish the content of an earlier published version again, as a new version, immediately."""
    now = dt.datetime.now(dt.UTC)
    async with connection.transaction():
        locked = await _locked_for_writer(connection, actor, code, if_match)
        target = await load_version(connection, code, request.to_version)
        if target["status"] not in _ONCE_PUBLISHED:
            raise InvalidInput(
                f"version {request.to_version} was never published; only approved content can be restored",
                errors=[
                    FieldError(location="body", name="/to_version", reason=f"version is {target['status']}")
                ],
            )
        current = await queries.version_in_status(connection, code=code, statuses=["published"])
        if current is not None and current["content_hash"] == target["content_hash"]:
            raise Conflict(f"item {code!r} already shows the content of version {request.to_version}")
        item = validate_item(
            raw_document(target),
            await load_references(connection),
            department=locked["department"],
            code=code,
        )
        # A rollback wins over a pending scheduled publication, which would otherwise undo it later.
        scheduled = await queries.version_in_status(connection, code=code, statuses=["scheduled"])
        if scheduled is not None:
            reason = f"rollback to version {request.to_version}"
            await _cancel_scheduled(connection, actor, code, scheduled["version"], now, reason)
        version = await queries.next_version(connection, code=code)
        if current is not None:
            await queries.set_status(
                connection, code=code, version=current["version"], status="superseded", now=now
            )
        document, digest = content_of(item)
        # Inserted as published straight away: it never waits in the review queue (see the docstring).
        await queries.insert_version(
            connection,
            code=code,
            version=version,
            status="published",
            document=document,
            content_hash=digest,
            based_on=current["version"] if current is not None else request.to_version,
            actor=actor.name,
            now=now,
        )
        await queries.mark_decided(
            connection,
            code=code,
            version=version,
            status="published",
            actor=actor.name,
            reason=f"rollback to version {request.to_version}: {request.reason}",
            now=now,
        )
        await queries.mark_published(connection, code=code, version=version, now=now)
        revision = await apply_catalog_changes(connection, upserts=[item], withdrawals=[])
        await audit(
            connection,
            code,
            version,
            "rolled_back",
            actor,
            now,
            reason=request.reason,
            before=document_of(current) if current is not None else None,
            after=item if current else None,
        )
        log.info(
            "registry.rolled_back",
            code=code,
            to_version=request.to_version,
            version=version,
            revision=revision,
        )
        return version_view(await load_version(connection, code, version))
