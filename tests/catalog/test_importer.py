"""Import: all or nothing, idempotent, every change a new version, every instance told."""

from __future__ import annotations

import asyncio

import asyncpg
import msgspec
import pytest

from ishenzhen.catalog.importer import CATALOG_CHANNEL, import_catalog
from ishenzhen.catalog.model import Catalog
from tests.catalog.factories import DEPARTMENTS, DISTRICTS, THEMES, item


def small_catalog(*items) -> Catalog:
    return Catalog(
        departments=DEPARTMENTS,
        districts=DISTRICTS,
        themes=THEMES,
        e_licence_types=[],
        items=list(items) or [item("A01", "居民身份证换领"), item("A02", "居民身份证补领")],
    )


@pytest.fixture
async def connection(database_url: str):
    connection = await asyncpg.connect(database_url)
    try:
        yield connection
    finally:
        await connection.close()


async def test_first_import_adds_everything_and_a_second_changes_nothing(
    connection: asyncpg.Connection,
) -> None:
    first = await import_catalog(connection, small_catalog())
    assert (first.added, first.changed, first.unchanged, first.withdrawn) == (2, 0, 0, 0)
    again = await import_catalog(connection, small_catalog())
    assert (again.added, again.changed, again.unchanged, again.withdrawn) == (0, 0, 2, 0)
    assert again.revision == first.revision
    assert await connection.fetchval("SELECT count(*) FROM catalog_item_versions") == 2


async def test_a_changed_item_becomes_a_new_version(connection: asyncpg.Connection) -> None:
    await import_catalog(connection, small_catalog())
    edited = item("A01", "居民身份证换领", promised_days=3)
    report = await import_catalog(connection, small_catalog(edited, item("A02", "居民身份证补领")))
    assert (report.changed, report.unchanged) == (1, 1)
    rows = await connection.fetch(
        "SELECT version, document->>'promised_days' AS days FROM catalog_item_versions WHERE code = 'A01' "
        "ORDER BY version"
    )
    assert [(r["version"], r["days"]) for r in rows] == [(1, "5"), (2, "3")]


async def test_an_item_missing_from_the_files_is_withdrawn_not_deleted(
    connection: asyncpg.Connection,
) -> None:
    await import_catalog(connection, small_catalog())
    report = await import_catalog(connection, small_catalog(item("A01", "居民身份证换领")))
    assert report.withdrawn == 1
    row = await connection.fetchrow("SELECT listing, version FROM catalog_items WHERE code = 'A02'")
    assert (row["listing"], row["version"]) == ("withdrawn", 2)
    restored = await import_catalog(connection, small_catalog())
    assert restored.changed == 1
    assert await connection.fetchval("SELECT listing FROM catalog_items WHERE code = 'A02'") == "listed"


async def test_a_failing_import_leaves_the_catalogue_as_it_was(connection: asyncpg.Connection) -> None:
    await import_catalog(connection, small_catalog())
    dangling = item("A03", "临时身份证申领", department="no-such-department")
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await import_catalog(connection, small_catalog(item("A01", "改名了"), dangling))
    names = [r["name"] for r in await connection.fetch("SELECT name FROM catalog_items ORDER BY code")]
    assert names == ["居民身份证换领", "居民身份证补领"]


async def test_listeners_are_notified_once_per_changing_import(
    connection: asyncpg.Connection, database_url: str
) -> None:
    listener = await asyncpg.connect(database_url)
    received: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener(CATALOG_CHANNEL, lambda *args: received.put_nowait(args[3]))
    try:
        report = await import_catalog(connection, small_catalog())
        assert await asyncio.wait_for(received.get(), timeout=5) == str(report.revision)
        await import_catalog(connection, small_catalog())  # unchanged: no notification
        await connection.execute("SELECT pg_notify($1, 'marker')", CATALOG_CHANNEL)
        assert await asyncio.wait_for(received.get(), timeout=5) == "marker"
    finally:
        await listener.close()


async def test_documents_round_trip(connection: asyncpg.Connection) -> None:
    original = item("A01", "居民身份证换领")
    await import_catalog(connection, small_catalog(original))
    stored = await connection.fetchval("SELECT document::text FROM catalog_items WHERE code = 'A01'")
    assert msgspec.json.decode(stored, type=type(original)) == original
