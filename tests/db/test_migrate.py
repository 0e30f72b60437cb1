"""Migrations: applied once each, in order, under concurrency; the result equals the committed snapshot."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from ishenzhen.db.migrate import MigrationError, apply_migrations, discover_migrations
from ishenzhen.db.snapshot import dump_schema

SNAPSHOT = Path(__file__).parents[2] / "src" / "ishenzhen" / "db" / "schema.sql"


async def test_concurrent_starts_apply_each_migration_exactly_once(empty_database_url: str) -> None:
    connections = [await asyncpg.connect(empty_database_url) for _ in range(6)]
    try:
        results = await asyncio.gather(*(apply_migrations(c) for c in connections))
        applied_versions = sorted(m.version for result in results for m in result)
        assert applied_versions == [m.version for m in discover_migrations()]
        rows = await connections[0].fetch("SELECT version FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in rows] == applied_versions
    finally:
        await asyncio.gather(*(c.close() for c in connections))


async def test_migrating_an_empty_database_yields_the_committed_snapshot(empty_database_url: str) -> None:
    connection = await asyncpg.connect(empty_database_url)
    try:
        await apply_migrations(connection)
    finally:
        await connection.close()
    actual = await asyncio.to_thread(dump_schema, empty_database_url)
    assert actual == SNAPSHOT.read_text(encoding="utf-8"), (
        "the schema differs from src/ishenzhen/db/schema.sql; regenerate it with "
        "`ishenzhen db schema > src/ishenzhen/db/schema.sql` and review the diff"
    )


async def test_a_second_run_applies_nothing(database_url: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        assert await apply_migrations(connection) == []
    finally:
        await connection.close()


def write_migrations(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, sql in files.items():
        (folder / name).write_text(sql, encoding="utf-8")
    return folder


async def test_a_failing_migration_leaves_nothing_half_applied(
    empty_database_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_good.sql": "CREATE TABLE a (id int);",
            "0002_bad.sql": "CREATE TABLE b (id int); INSERT INTO nowhere VALUES (1);",
        },
    )
    connection = await asyncpg.connect(empty_database_url)
    try:
        with pytest.raises(asyncpg.UndefinedTableError):
            await apply_migrations(connection, folder)
        versions = [r["version"] for r in await connection.fetch("SELECT version FROM schema_migrations")]
        assert versions == [1]
        assert await connection.fetchval("SELECT to_regclass('b')") is None
    finally:
        await connection.close()


async def test_an_edited_applied_migration_is_refused(empty_database_url: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_first.sql": "CREATE TABLE a (id int);"})
    connection = await asyncpg.connect(empty_database_url)
    try:
        await apply_migrations(connection, folder)
        write_migrations(folder, {"0001_first.sql": "CREATE TABLE a (id bigint);"})
        with pytest.raises(MigrationError, match="changed after it was applied"):
            await apply_migrations(connection, folder)
    finally:
        await connection.close()


async def test_a_database_ahead_of_the_code_is_refused(empty_database_url: str, tmp_path: Path) -> None:
    ahead = write_migrations(tmp_path / "ahead", {"0001_a.sql": "SELECT 1;", "0002_b.sql": "SELECT 2;"})
    behind = write_migrations(tmp_path / "behind", {"0001_a.sql": "SELECT 1;"})
    connection = await asyncpg.connect(empty_database_url)
    try:
        await apply_migrations(connection, ahead)
        with pytest.raises(MigrationError, match="does not know"):
            await apply_migrations(connection, behind)
    finally:
        await connection.close()


def test_misnamed_migration_files_are_refused(tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"1_init.sql": "SELECT 1;"})
    with pytest.raises(MigrationError, match="NNNN_snake_case"):
        discover_migrations(folder)
