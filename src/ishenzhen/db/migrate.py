"""Plain numbered ``.sql`` migrations, each applied once inside a transaction, under an advisory lock.

The lock makes concurrent starts of several instances safe: the first applies, the others wait and find
nothing left to do. An applied migration whose file later changes is an error, never silently re-run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import asyncpg
import structlog

from ishenzhen.db.sql import queries

__all__ = ["Migration", "MigrationError", "apply_migrations", "discover_migrations"]

log = structlog.get_logger(__name__)

# Any stable 64-bit number will do; this one spells "ishenzhen" in ASCII, truncated.
MIGRATION_LOCK_KEY = 0x6973_6865_6E7A_6865
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(RuntimeError):
    """The database's migration history disagrees with the files."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover_migrations(folder: Path | None = None) -> list[Migration]:
    root = folder or Path(str(resources.files("ishenzhen.db") / "migrations"))
    migrations = []
    for path in sorted(root.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNNN_snake_case.sql")
        migrations.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a version number")
    return migrations


async def apply_migrations(connection: asyncpg.Connection, folder: Path | None = None) -> list[Migration]:
    """Bring the database up to date; returns the migrations this call applied."""
    migrations = discover_migrations(folder)
    await queries.take_migration_lock(connection, key=MIGRATION_LOCK_KEY)
    try:
        await queries.create_migrations_table(connection)
        applied = {row["version"]: row async for row in queries.applied_migrations(connection)}
        done: list[Migration] = []
        for migration in migrations:
            record = applied.get(migration.version)
            if record is not None:
                if record["checksum"] != migration.checksum:
                    raise MigrationError(
                        f"migration {migration.version:04d}_{migration.name} was changed after it was applied"
                    )
                continue
            async with connection.transaction():
                await connection.execute(migration.sql)
                await queries.record_migration(
                    connection, version=migration.version, name=migration.name, checksum=migration.checksum
                )
            log.info("migration.applied", version=migration.version, name=migration.name)
            done.append(migration)
        unknown = sorted(set(applied) - {m.version for m in migrations})
        if unknown:
            raise MigrationError(f"the database has migrations this code does not know: {unknown}")
        return done
    finally:
        await queries.release_migration_lock(connection, key=MIGRATION_LOCK_KEY)
