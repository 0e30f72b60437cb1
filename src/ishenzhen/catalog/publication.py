"""Writing registry publications to the public catalogue: the ONE function every publisher calls.

PLACEHOLDER (registry branch): the lead owns this module in main; this minimal version keeps the agreed
signature so the registry can be built and tested, and is replaced by the lead's at merge.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import asyncpg
import msgspec

from ishenzhen.catalog.source.model import ServiceItem
from ishenzhen.db.sql import load_queries

__all__ = ["apply_catalog_changes"]

queries = load_queries(Path(__file__).with_name("queries.sql"))
own = load_queries(Path(__file__).with_name("publication.sql"))
_encoder = msgspec.json.Encoder()


async def apply_catalog_changes(
    connection: asyncpg.Connection, *, upserts: list[ServiceItem], withdrawals: list[str]
) -> int:
    """Upsert ``upserts`` (listed) and withdraw ``withdrawals`` in the caller's transaction; bump the revision
    and notify every instance at commit. Returns the catalogue revision after the change."""
    await queries.lock_catalog_import(connection)
    changed: list[str] = []
    for item in upserts:
        document = _encoder.encode(item)
        row = await own.upsert_published_item(
            connection, code=item.code, basic_code=item.basic_code, department=item.department,
            district=item.district, name=item.name, content_hash=hashlib.sha256(document).digest(),
            document=document.decode(),
        )  # fmt: skip
        if row is not None:
            changed.append(item.code)
    if withdrawals:
        rows = [row async for row in own.withdraw_items(connection, codes=withdrawals)]
        changed.extend(row["code"] for row in rows)
    if not changed:
        return await queries.current_revision(connection)  # type: ignore[no-any-return]
    await queries.record_versions(connection, codes=changed)
    revision = await queries.bump_revision(connection)
    await queries.notify_changed(connection, revision=str(revision))
    return revision  # type: ignore[no-any-return]
