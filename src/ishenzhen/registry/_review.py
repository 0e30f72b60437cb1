"""The reviewers' side (市政务服务数据管理局): the queue of submissions, approval and rejection.

A reviewer never decides on a version their own client submitted (four eyes), even when the same client
also holds ``registry:write`` for the bureau's own items.
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import structlog

from ishenzhen.db.pool import Connection
from ishenzhen.errors import Conflict, PermissionDenied
from ishenzhen.registry._access import Actor
from ishenzhen.registry._etag import check_if_match, encoded
from ishenzhen.registry._publishing import publish
from ishenzhen.registry._store import (
    audit,
    item_view,
    load_version,
    lock_item,
    raw_document,
    summary_of,
    version_view,
)
from ishenzhen.registry._validation import load_references, validate_item
from ishenzhen.registry.schemas import ApproveRequest, QueueEntry, QueuePage, RejectRequest, VersionView
from ishenzhen.registry.sql import queries

__all__ = ["approve", "reject", "review_queue"]

log = structlog.get_logger(__name__)


async def review_queue(connection: Connection, actor: Actor, limit: int) -> QueuePage:
    """Submitted versions, oldest submission first."""
    actor.require_reviewer()
    entries = []
    async for row in queries.review_queue(connection, limit=limit):
        item = await item_view(connection, row["code"])
        version = summary_of(await load_version(connection, row["code"], row["version"]))
        entries.append(
            QueueEntry(
                code=item.code,
                department=item.department,
                name=item.name,
                published_version=item.published_version,
                version=version,
            )
        )
    return QueuePage(entries=entries)


async def _submitted(
    connection: Connection, actor: Actor, code: str, version: int, if_match: str | None
) -> asyncpg.Record:
    actor.require_reviewer()
    await lock_item(connection, code)
    row = await load_version(connection, code, version)
    check_if_match(if_match, encoded(version_view(row)), required=False, what="version")
    if row["status"] != "submitted":
        raise Conflict(f"version {version} of item {code!r} is {row['status']}, not submitted")
    if row["submitted_by"] == actor.name:
        raise PermissionDenied("a version is reviewed by someone other than the one who submitted it")
    return row


async def approve(
    connection: Connection,
    actor: Actor,
    code: str,
    version: int,
    request: ApproveRequest,
    if_match: str | None,
) -> VersionView:
    """Publish now, or schedule for the submission's ``effective_at`` when that is still ahead."""
    now = dt.datetime.now(dt.UTC)
    async with connection.transaction():
        row = await _submitted(connection, actor, code, version, if_match)
        # Reference data may have changed while the version waited: never publish what no longer passes.
        validate_item(
            raw_document(row), await load_references(connection), department=row["department"], code=code
        )
        scheduled = row["effective_at"] is not None and row["effective_at"] > now
        await queries.mark_decided(
            connection,
            code=code,
            version=version,
            status="scheduled" if scheduled else "submitted",
            actor=actor.name,
            reason=request.note,
            now=now,
        )
        await audit(connection, code, version, "approved", actor, now, reason=request.note)
        if scheduled:
            log.info(
                "registry.scheduled", code=code, version=version, effective_at=row["effective_at"].isoformat()
            )
        else:
            await publish(connection, await load_version(connection, code, version), actor, now)
        return version_view(await load_version(connection, code, version))


async def reject(
    connection: Connection,
    actor: Actor,
    code: str,
    version: int,
    request: RejectRequest,
    if_match: str | None,
) -> VersionView:
    now = dt.datetime.now(dt.UTC)
    async with connection.transaction():
        await _submitted(connection, actor, code, version, if_match)
        await queries.mark_decided(
            connection,
            code=code,
            version=version,
            status="rejected",
            actor=actor.name,
            reason=request.reason,
            now=now,
        )
        await audit(connection, code, version, "rejected", actor, now, reason=request.reason)
        log.info("registry.rejected", code=code, version=version, actor=actor.name)
        return version_view(await load_version(connection, code, version))
