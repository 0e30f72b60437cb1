"""The source files' import becomes the registry's; a department's items go back out byte for byte."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import asyncpg
import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.importer import import_catalog as import_into_catalogue
from ishenzhen.catalog.model import Catalog
from ishenzhen.db.migrate import apply_migrations
from ishenzhen.registry.bulk import export_department, import_catalog
from tests.registry.conftest import CATALOG_DIR, Token, bearer, small_catalog

MIGRATIONS = Path(str(resources.files("ishenzhen.db") / "migrations"))


async def test_export_is_the_source_file_byte_for_byte(
    client: AsyncTestClient[Litestar], token: Token, database_url: str, tmp_path: Path
) -> None:
    source = (CATALOG_DIR / "items" / "audit.yaml").read_bytes()
    answer = await client.get("/v1/registry/departments/audit/export", headers=bearer(await token("audit")))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/yaml")
    assert answer.content == source
    connection = await asyncpg.connect(database_url)
    try:
        [path] = await export_department(connection, "audit", tmp_path)
    finally:
        await connection.close()
    assert path == tmp_path / "items" / "audit.yaml" and path.read_bytes() == source
    other = await client.get("/v1/registry/departments/archives/export", headers=bearer(await token("audit")))
    assert other.status_code == 403


async def test_a_reimport_records_changes_and_withdrawals_as_import_versions(
    source_catalog: Catalog, database_url: str
) -> None:
    catalog = small_catalog(source_catalog)
    changed, dropped = catalog.items[0], catalog.items[1]
    items = [msgspec.structs.replace(changed, name=changed.name + "（新）"), *catalog.items[2:]]
    connection = await asyncpg.connect(database_url)
    try:
        report = await import_catalog(connection, msgspec.structs.replace(catalog, items=items))
        assert (report.changed, report.withdrawn) == (1, 1)
        rows = await connection.fetch(
            "SELECT code, version, status, created_by FROM registry_versions WHERE code = ANY($1)"
            " ORDER BY code, version",
            [changed.code, dropped.code],
        )
        assert {(r["code"], r["version"], r["status"], r["created_by"]) for r in rows} == {
            (changed.code, 1, "superseded", "import"),
            (changed.code, 2, "published", "import"),
            (dropped.code, 1, "withdrawn", "import"),
        }
        # The same files again change nothing, in the catalogue or in the registry.
        again = await import_catalog(connection, msgspec.structs.replace(catalog, items=items))
        assert not again.changed_anything
        assert (
            await connection.fetchval("SELECT count(*) FROM registry_versions WHERE code = $1", changed.code)
            == 2
        )
    finally:
        await connection.close()


async def test_the_migration_turns_catalogue_history_into_registry_versions(
    empty_database_url: str, source_catalog: Catalog, tmp_path: Path
) -> None:
    before_registry = tmp_path / "migrations"
    before_registry.mkdir()
    for path in sorted(MIGRATIONS.glob("000[1-4]_*.sql")):  # noqa: ASYNC240 - a few small files
        shutil.copy(path, before_registry)
    catalog = small_catalog(source_catalog, ("audit",))
    first = catalog.items[0]
    connection = await asyncpg.connect(empty_database_url)
    try:
        await apply_migrations(connection, before_registry)
        await import_into_catalogue(connection, catalog)
        renamed = [msgspec.structs.replace(first, name=first.name + "（新）"), *catalog.items[1:]]
        await import_into_catalogue(connection, msgspec.structs.replace(catalog, items=renamed))
        await import_into_catalogue(connection, msgspec.structs.replace(catalog, items=renamed[1:]))
        await apply_migrations(connection)
        rows = await connection.fetch(
            "SELECT version, status, based_on, document->>'name' AS name FROM registry_versions"
            " WHERE code = $1 ORDER BY version",
            first.code,
        )
        assert [tuple(r) for r in rows] == [
            (1, "superseded", None, first.name),
            (2, "withdrawn", 1, first.name + "（新）"),
        ]
        published = await connection.fetchval(
            "SELECT count(*) FROM registry_versions WHERE status = 'published'"
        )
        assert published == len(catalog.items) - 1
    finally:
        await connection.close()


async def test_export_carries_the_hand_written_render_specs_byte_for_byte(
    database_url: str, source_catalog: Catalog, tmp_path: Path
) -> None:
    department = "development-reform"  # 社会投资项目备案 has a hand-written spec
    connection = await asyncpg.connect(database_url)
    try:
        await import_catalog(connection, small_catalog(source_catalog, (department,)))
        written = await export_department(connection, department, tmp_path)
    finally:
        await connection.close()
    specs = sorted(path.name for path in (CATALOG_DIR / "render_specs").glob("*.yaml"))
    exported_specs = sorted(path.name for path in written if path.parent.name == "render_specs")
    assert exported_specs and set(exported_specs) <= set(specs)
    for path in written:
        assert path.read_bytes() == (CATALOG_DIR / path.relative_to(tmp_path)).read_bytes(), path
