"""Departments' side of the registry: items, drafts, submission, and reading versions, diffs and history.

Every function takes a connection and the calling ``Actor``; changes run in one transaction with the item's
row locked. Review is in ``_review``, withdrawal, schedules and rollback in ``_lifecycle``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import structlog

from ishenzhen.db.pool import Connection
from ishenzhen.errors import Conflict, FieldError, InvalidInput, NotFound
from ishenzhen.registry._access import Actor
from ishenzhen.registry._etag import check_if_match, encoded
from ishenzhen.registry._lifecycle import cancel_schedule, rollback, withdraw
from ishenzhen.registry._review import approve, reject, review_queue
from ishenzhen.registry._store import (
    PENDING,
    audit,
    changes_of,
    content_of,
    document_of,
    item_view,
    load_version,
    lock_item,
    raw_document,
    summary_of,
    version_view,
    view_of_overview,
)
from ishenzhen.registry._validation import load_references, validate_item
from ishenzhen.registry.diff import field_changes
from ishenzhen.registry.schemas import (
    DiffView,
    HistoryEntry,
    HistoryPage,
    ItemPage,
    ItemView,
    SubmitRequest,
    VersionSummary,
    VersionView,
)
from ishenzhen.registry.sql import queries

__all__ = [
    "approve",
    "cancel_schedule",
    "create_draft",
    "create_item",
    "diff",
    "discard_draft",
    "edit_draft",
    "get_draft",
    "get_item",
    "get_version",
    "history",
    "list_items",
    "list_versions",
    "reject",
    "review_queue",
    "rollback",
    "submit",
    "withdraw",
]

log = structlog.get_logger(__name__)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _readable_item(connection: Connection, actor: Actor, code: str) -> ItemView:
    view = await item_view(connection, code)
    actor.require_reader(view.department)
    return view


async def _measured_popularity(connection: Connection, code: str) -> int:
    """The popularity of the published version (0 for an item never published): what a draft must carry."""
    published = await queries.version_in_status(connection, code=code, statuses=["published"])
    return 0 if published is None else document_of(published).popularity


async def create_item(connection: Connection, actor: Actor, raw: Any) -> VersionView:
    """A new item, as draft version 1 of the caller's department."""
    actor.require_writer(actor.department or "")
    item = validate_item(
        raw, await load_references(connection), department=actor.department or "", popularity=0
    )
    now = _now()
    async with connection.transaction():
        if await queries.insert_item(connection, code=item.code, department=item.department, now=now) is None:
            raise Conflict(f"item {item.code!r} is already registered; create a draft of it instead")
        document, digest = content_of(item)
        await queries.insert_version(
            connection,
            code=item.code,
            version=1,
            status="draft",
            document=document,
            content_hash=digest,
            based_on=None,
            actor=actor.name,
            now=now,
        )
        await audit(connection, item.code, 1, "created", actor, now)
        row = await load_version(connection, item.code, 1)
    log.info("registry.item_created", code=item.code, department=item.department, actor=actor.name)
    return version_view(row)


async def create_draft(
    connection: Connection, actor: Actor, code: str, raw: Any, if_match: str | None
) -> VersionView:
    """A new draft of an existing item, based on its published version (``If-Match``: the item's ETag)."""
    async with connection.transaction():
        locked = await lock_item(connection, code)
        actor.require_writer(locked["department"])
        check_if_match(if_match, encoded(await item_view(connection, code)), required=True, what="item")
        pending = await queries.version_in_status(connection, code=code, statuses=PENDING)
        if pending is not None:
            raise Conflict(f"item {code!r} already has version {pending['version']} {pending['status']}")
        published = await queries.version_in_status(connection, code=code, statuses=["published"])
        item = validate_item(
            raw,
            await load_references(connection),
            department=locked["department"],
            code=code,
            popularity=0 if published is None else document_of(published).popularity,
        )
        version = await queries.next_version(connection, code=code)
        document, digest = content_of(item)
        now = _now()
        await queries.insert_version(
            connection,
            code=code,
            version=version,
            status="draft",
            document=document,
            content_hash=digest,
            based_on=published["version"] if published else None,
            actor=actor.name,
            now=now,
        )
        await audit(
            connection,
            code,
            version,
            "draft_created",
            actor,
            now,
            before=document_of(published) if published else None,
            after=item if published else None,
        )
        return version_view(await load_version(connection, code, version))


async def _draft(connection: Connection, code: str) -> asyncpg.Record:
    row = await queries.version_in_status(connection, code=code, statuses=["draft"])
    if row is None:
        raise NotFound(f"item {code!r} has no draft")
    return row


async def get_draft(connection: Connection, actor: Actor, code: str) -> VersionView:
    await _readable_item(connection, actor, code)
    return version_view(await _draft(connection, code))


async def edit_draft(
    connection: Connection, actor: Actor, code: str, raw: Any, if_match: str | None
) -> VersionView:
    async with connection.transaction():
        locked = await lock_item(connection, code)
        actor.require_writer(locked["department"])
        row = await _draft(connection, code)
        check_if_match(if_match, encoded(version_view(row)), required=True, what="draft")
        item = validate_item(
            raw,
            await load_references(connection),
            department=locked["department"],
            code=code,
            popularity=await _measured_popularity(connection, code),
        )
        document, digest = content_of(item)
        now = _now()
        await queries.update_draft(
            connection, code=code, version=row["version"], document=document, content_hash=digest, now=now
        )
        await audit(
            connection, code, row["version"], "draft_edited", actor, now, before=document_of(row), after=item
        )
        return version_view(await load_version(connection, code, row["version"]))


async def discard_draft(connection: Connection, actor: Actor, code: str, if_match: str | None) -> None:
    async with connection.transaction():
        locked = await lock_item(connection, code)
        actor.require_writer(locked["department"])
        row = await _draft(connection, code)
        check_if_match(if_match, encoded(version_view(row)), required=True, what="draft")
        now = _now()
        await queries.set_status(connection, code=code, version=row["version"], status="discarded", now=now)
        await audit(connection, code, row["version"], "draft_discarded", actor, now)


async def submit(
    connection: Connection, actor: Actor, code: str, request: SubmitRequest, if_match: str | None
) -> VersionView:
    """Freeze the draft and send it for review; from now on its content never changes."""
    now = _now()
    if request.effective_at is not None and request.effective_at <= now:
        raise InvalidInput(
            "effective_at is in the past",
            errors=[FieldError(location="body", name="/effective_at", reason="must be in the future")],
        )
    async with connection.transaction():
        locked = await lock_item(connection, code)
        actor.require_writer(locked["department"])
        row = await _draft(connection, code)
        check_if_match(if_match, encoded(version_view(row)), required=True, what="draft")
        # References may have changed since the draft was written: checked again, whole.
        validate_item(
            raw_document(row), await load_references(connection), department=locked["department"], code=code
        )
        await queries.mark_submitted(
            connection,
            code=code,
            version=row["version"],
            effective_at=request.effective_at,
            actor=actor.name,
            now=now,
        )
        await audit(connection, code, row["version"], "submitted", actor, now, reason=request.note)
        log.info("registry.submitted", code=code, version=row["version"], actor=actor.name)
        return version_view(await load_version(connection, code, row["version"]))


async def get_item(connection: Connection, actor: Actor, code: str) -> ItemView:
    return await _readable_item(connection, actor, code)


async def list_items(
    connection: Connection, actor: Actor, department: str | None, limit: int, after: str | None
) -> ItemPage:
    """A department's items by code (reviewers: any department, or all)."""
    department = department or (None if actor.is_reviewer else actor.department)
    actor.require_reader(department)
    rows = [
        row
        async for row in queries.item_overviews(
            connection, code=None, department=department, after=after or "", limit=limit + 1
        )
    ]
    items = [view_of_overview(row) for row in rows[:limit]]
    return ItemPage(items=items, next_cursor=items[-1].code if len(rows) > limit else None)


async def list_versions(connection: Connection, actor: Actor, code: str) -> list[VersionSummary]:
    await _readable_item(connection, actor, code)
    return [summary_of(row) async for row in queries.version_rows(connection, code=code)]


async def get_version(connection: Connection, actor: Actor, code: str, version: int) -> VersionView:
    await _readable_item(connection, actor, code)
    return version_view(await load_version(connection, code, version))


async def diff(connection: Connection, actor: Actor, code: str, before: int, after: int) -> DiffView:
    await _readable_item(connection, actor, code)
    old = document_of(await load_version(connection, code, before))
    new = document_of(await load_version(connection, code, after))
    return DiffView(code=code, from_version=before, to_version=after, changes=field_changes(old, new))


async def history(connection: Connection, actor: Actor, code: str) -> HistoryPage:
    await _readable_item(connection, actor, code)
    entries = [
        HistoryEntry(
            at=row["at"],
            action=row["action"],
            version=row["version"],
            actor=row["actor"],
            client_id=row["client_id"],
            department=row["department"],
            reason=row["reason"],
            changes=changes_of(row["changes_json"]),
        )
        async for row in queries.audit_of(connection, code=code)
    ]
    return HistoryPage(code=code, entries=entries)
