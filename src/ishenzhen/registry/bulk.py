"""Bulk: the ``services_catalog/`` import goes through the registry, and a department's items go back out.

``import_catalog`` runs the catalogue's import and, in the same transaction, records every item it added or
changed as a published registry version of actor ``import`` (and every item it withdrew as withdrawn), so the
registry's history and the catalogue never disagree. ``department_file`` writes a department's published
items in the source format with the catalogue's own writer: import then export gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import structlog

from ishenzhen.catalog.importer import ImportReport, Progress
from ishenzhen.catalog.importer import import_catalog as import_into_catalogue
from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.catalog.source.writer import items_file_text, write_department
from ishenzhen.db.pool import Connection
from ishenzhen.errors import NotFound
from ishenzhen.registry.sql import queries

__all__ = [
    "RegistryImport",
    "department_file",
    "export_department",
    "import_catalog",
    "record_catalogue_import",
]

log = structlog.get_logger(__name__)
_item_decoder = msgspec.json.Decoder(ServiceItem)


class RegistryImport(msgspec.Struct, frozen=True, kw_only=True):
    published: int
    withdrawn: int


async def record_catalogue_import(connection: Connection) -> RegistryImport:
    """Record what the catalogue's import changed as registry versions (in the caller's transaction)."""
    now = dt.datetime.now(dt.UTC)
    await queries.import_items(connection, now=now)
    await queries.collect_imported(connection)
    await queries.retire_imported(connection, now=now)
    await queries.insert_imported(connection, now=now)
    await queries.audit_imported(connection, now=now)
    counts = await queries.imported_counts(connection)
    await queries.drop_import_table(connection)
    result = RegistryImport(published=counts["published"], withdrawn=counts["withdrawn"])
    log.info("registry.imported", published=result.published, withdrawn=result.withdrawn)
    return result


async def import_catalog(
    connection: Connection, catalog: Catalog, progress: Progress | None = None
) -> ImportReport:
    """The catalogue's import and the registry's record of it, all or nothing."""
    async with connection.transaction():
        report = await import_into_catalogue(connection, catalog, progress)
        await record_catalogue_import(connection)
    return report


async def _published_items(connection: Connection, slug: str) -> list[ServiceItem]:
    if not await queries.department_exists(connection, slug=slug):
        raise NotFound(f"no department has the code {slug!r}")
    return [
        _item_decoder.decode(row["document"])
        async for row in queries.published_documents(connection, department=slug)
    ]


async def department_file(connection: Connection, slug: str) -> str:
    """``items/<slug>.yaml`` of the department's published items, as the catalogue's writer writes it."""
    return items_file_text(slug, await _published_items(connection, slug))


async def export_department(connection: Connection, slug: str, out: Path) -> list[Path]:
    """Write the department's published items under ``out`` as ``items/<slug>.yaml``; the files written."""
    return write_department(out, slug, await _published_items(connection, slug))
