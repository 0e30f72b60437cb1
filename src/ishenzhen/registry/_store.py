"""Reading registry rows into the API's views; locking an item before changing it."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import asyncpg
import msgspec

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.catalog.publication import lock_catalog_writes
from ishenzhen.db.pool import Connection
from ishenzhen.errors import NotFound
from ishenzhen.registry._access import Actor
from ishenzhen.registry.diff import field_changes
from ishenzhen.registry.schemas import (
    FieldChange,
    ItemState,
    ItemView,
    ScheduledWithdrawal,
    VersionSummary,
    VersionView,
)
from ishenzhen.registry.sql import queries

__all__ = [
    "PENDING",
    "audit",
    "content_of",
    "item_view",
    "load_version",
    "lock_item",
    "raw_document",
    "summary_of",
    "version_view",
    "view_of_overview",
]

PENDING = ["draft", "submitted", "scheduled"]
_encoder = msgspec.json.Encoder()
_item_decoder = msgspec.json.Decoder(ServiceItem)
_changes_decoder = msgspec.json.Decoder(list[FieldChange])


def content_of(item: ServiceItem) -> tuple[str, bytes]:
    """The stored document and its hash: SHA-256 of the canonical encoding, as catalog_items hashes it."""
    document = _encoder.encode(item)
    return document.decode(), hashlib.sha256(document).digest()


def document_of(row: asyncpg.Record) -> ServiceItem:
    return _item_decoder.decode(row["document_json"])


def raw_document(row: asyncpg.Record) -> Any:
    """The stored document as JSON values, to be checked again like a request body."""
    return msgspec.json.decode(row["document_json"])


_SUMMARY_FIELDS = tuple(field.name for field in msgspec.structs.fields(VersionSummary))


def summary_of(row: asyncpg.Record) -> VersionSummary:
    return VersionSummary(
        version=row["version"],
        status=row["status"],
        based_on=row["based_on"],
        content_hash=row["content_hash"].hex(),
        effective_at=row["effective_at"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        submitted_at=row["submitted_at"],
        submitted_by=row["submitted_by"],
        decided_at=row["decided_at"],
        decided_by=row["decided_by"],
        reason=row["reason"],
        published_at=row["published_at"],
    )


def version_view(row: asyncpg.Record) -> VersionView:
    fields = msgspec.structs.asdict(summary_of(row))
    return VersionView(
        code=row["code"],
        department=row["department"],
        updated_at=row["updated_at"],
        document=document_of(row),
        **fields,
    )


async def lock_item(connection: Connection, code: str) -> asyncpg.Record:
    # Catalogue lock first, row lock second: the order every catalogue writer follows (no deadlock).
    await lock_catalog_writes(connection)
    row = await queries.lock_item(connection, code=code)
    if row is None:
        raise NotFound(f"the registry has no item {code!r}")
    return row


async def load_version(connection: Connection, code: str, version: int) -> asyncpg.Record:
    row = await queries.version_row(connection, code=code, version=version)
    if row is None:
        raise NotFound(f"item {code!r} has no version {version}")
    return row


async def item_view(connection: Connection, code: str) -> ItemView:
    rows = [
        r async for r in queries.item_overviews(connection, code=code, department=None, after="", limit=1)
    ]
    if not rows:
        raise NotFound(f"the registry has no item {code!r}")
    return view_of_overview(rows[0])


def view_of_overview(row: asyncpg.Record) -> ItemView:
    """An ``item_overviews`` row as the API shows it."""
    pending = None
    if row["p_version"] is not None:
        fields = {field: row[f"p_{field}"] for field in _SUMMARY_FIELDS}
        pending = VersionSummary(**{**fields, "content_hash": fields["content_hash"].hex()})
    withdrawal = None
    if row["withdraw_at"] is not None:
        withdrawal = ScheduledWithdrawal(
            at=row["withdraw_at"], reason=row["withdraw_reason"], requested_by=row["withdraw_by"]
        )
    if row["published_version"] is not None:
        state: ItemState = "published"
    else:
        state = "withdrawn" if row["ever_withdrawn"] else "unpublished"
    return ItemView(
        code=row["code"],
        department=row["department"],
        name=row["name"],
        state=state,
        published_version=row["published_version"],
        latest_version=row["latest_version"],
        pending=pending,
        scheduled_withdrawal=withdrawal,
    )


async def audit(
    connection: Connection,
    code: str,
    version: int | None,
    action: str,
    actor: Actor,
    now: dt.datetime,
    *,
    reason: str | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Record one step; with ``before`` and ``after`` documents, the fields that changed."""
    changes = field_changes(before, after) if before is not None and after is not None else []
    await queries.insert_audit(
        connection,
        code=code,
        version=version,
        action=action,
        actor=actor.name,
        client_id=actor.client_id,
        department=actor.department,
        reason=reason,
        changes=_encoder.encode(changes).decode(),
        now=now,
    )


def changes_of(json_text: str) -> list[FieldChange]:
    return _changes_decoder.decode(json_text)
