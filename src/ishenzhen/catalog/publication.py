"""The one way the registry changes the public catalogue: publish item documents, withdraw items.

Runs inside the caller's transaction, so a publication and the registry state that caused it commit together
(or not at all). It takes the catalogue's import lock first: writers are serialised, which is what lets the
``0005_catalog_changes`` triggers stamp each changed row with the revision this transaction will commit, and
instances then reload only the rows changed since their snapshot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import msgspec
import structlog

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.catalog.sql import queries
from ishenzhen.db.pool import Connection

__all__ = ["apply_catalog_changes", "lock_catalog_writes"]

log = structlog.get_logger(__name__)
_encoder = msgspec.json.Encoder()


async def lock_catalog_writes(connection: Connection) -> None:
    """Take the catalogue writers' lock for the rest of the caller's transaction.

    A writer that also locks rows of its own (the registry) takes this first, before any row lock: imports
    take it first too, so the two can wait for each other but never deadlock.
    """
    await queries.lock_catalog_import(connection)


async def apply_catalog_changes(
    connection: Connection, *, upserts: Sequence[ServiceItem], withdrawals: Sequence[str]
) -> int:
    """List ``upserts`` (new or replaced documents), unlist ``withdrawals``; returns the catalogue revision.

    The revision moves (and every instance is notified at commit) only when a row really changed.
    """
    if not connection.is_in_transaction():
        raise RuntimeError("apply_catalog_changes must run inside the caller's transaction")
    await lock_catalog_writes(connection)
    changed: list[str] = []
    for item in upserts:
        document = _encoder.encode(item)
        row = await queries.upsert_published_item(
            connection,
            code=item.code,
            basic_code=item.basic_code,
            department=item.department,
            district=item.district,
            name=item.name,
            content_hash=hashlib.sha256(document).digest(),
            document=document.decode(),
        )
        if row is not None:
            changed.append(row["code"])
    withdrawn = [r["code"] async for r in queries.withdraw_items(connection, codes=list(withdrawals))]
    if not changed and not withdrawn:
        return await queries.current_revision(connection)
    revision: int = await queries.bump_revision(connection)
    # Delivered at commit, and only if the commit succeeds.
    await queries.notify_changed(connection, revision=str(revision))
    log.info("catalog.published", revision=revision, listed=changed, withdrawn=withdrawn)
    return revision
