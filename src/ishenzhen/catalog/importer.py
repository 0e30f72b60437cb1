"""Import a validated catalogue into PostgreSQL: one transaction, idempotent, versioned.

An item whose encoded document is byte-identical to the stored one is unchanged; any difference makes a new
version (the old one stays in ``catalog_item_versions``); an item no longer in the files is withdrawn, not
deleted. When anything changed, the catalogue revision is bumped and every instance is notified.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import msgspec
import structlog

from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.catalog.sql import queries
from ishenzhen.db.pool import Connection

__all__ = ["CATALOG_CHANNEL", "ImportReport", "import_catalog"]

CATALOG_CHANNEL = "catalog_changed"

log = structlog.get_logger(__name__)
_encoder = msgspec.json.Encoder()

Progress = Callable[[str, int, int], None]


class ImportReport(msgspec.Struct, frozen=True, kw_only=True):
    added: int
    changed: int
    unchanged: int
    withdrawn: int
    revision: int

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.withdrawn)


def _item_row(item: ServiceItem) -> tuple[str, str, str, str | None, str, bytes, str]:
    document = _encoder.encode(item)
    return (
        item.code,
        item.basic_code,
        item.department,
        item.district,
        item.name,
        hashlib.sha256(document).digest(),
        document.decode(),
    )


def _json(record: msgspec.Struct) -> str:
    return _encoder.encode(record).decode()


async def import_catalog(
    connection: Connection, catalog: Catalog, progress: Progress | None = None
) -> ImportReport:
    """Write ``catalog`` (already validated) to the database; all or nothing."""
    report = progress or (lambda _stage, _done, _total: None)
    rows = [_item_row(item) for item in catalog.items]
    async with connection.transaction():
        await queries.lock_catalog_import(connection)
        before = await queries.reference_fingerprint(connection)
        await _upsert_reference_data(connection, catalog)
        reference_changed = before != await queries.reference_fingerprint(connection)
        report("reference data", 1, 1)

        await queries.create_incoming_items(connection)
        await connection.copy_records_to_table(
            "incoming_items",
            records=rows,
            columns=["code", "basic_code", "department", "district", "name", "content_hash", "document"],
        )
        report("items", len(rows) // 2, len(rows))
        added = [r["code"] async for r in queries.insert_added_items(connection)]
        changed = [r["code"] async for r in queries.update_changed_items(connection)]
        withdrawn = [r["code"] async for r in queries.withdraw_missing_items(connection)]
        await queries.record_versions(connection, codes=[*added, *changed, *withdrawn])
        report("items", len(rows), len(rows))

        revision = await queries.current_revision(connection)
        if added or changed or withdrawn or reference_changed:
            revision = await queries.bump_revision(connection)
            # Delivered at commit, and only if the commit succeeds.
            await queries.notify_changed(connection, revision=str(revision))
    result = ImportReport(
        added=len(added),
        changed=len(changed),
        unchanged=len(rows) - len(added) - len(changed),
        withdrawn=len(withdrawn),
        revision=revision,
    )
    log.info("catalog.imported", **msgspec.structs.asdict(result))
    return result


async def _upsert_reference_data(connection: Connection, catalog: Catalog) -> None:
    await queries.upsert_department(
        connection, [(d.slug, d.name, d.credit_code, _json(d)) for d in catalog.departments]
    )
    await queries.upsert_district(connection, [(d.code, d.name, _json(d)) for d in catalog.districts])
    await queries.upsert_theme(connection, [(t.code, t.name, t.audience, _json(t)) for t in catalog.themes])
    await queries.upsert_e_licence_type(
        connection, [(e.code, e.name, _json(e)) for e in catalog.e_licence_types]
    )
