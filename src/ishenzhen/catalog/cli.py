"""``ishenzhen catalog import|validate``: check every file, then import all or nothing."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from ishenzhen.catalog.importer import ImportReport
from ishenzhen.catalog.source.model import Catalog
from ishenzhen.catalog.source.validator import load_catalog, validate
from ishenzhen.db.pool import connect
from ishenzhen.settings import Settings

__all__ = ["CatalogInvalid", "catalog_is_empty", "run_import", "run_validate"]

log = structlog.get_logger(__name__)


class CatalogInvalid(ValueError):
    """The source files have problems; nothing was imported."""


def run_validate(path: Path) -> Catalog:
    """Load and check every file; print every problem, not just the first."""
    if not path.is_dir():
        raise CatalogInvalid(f"{path}: no such catalogue folder")
    problems = validate(path)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        raise CatalogInvalid(f"{len(problems)} problem(s) in {path}; nothing was imported")
    return load_catalog(path)


@contextmanager
def _progress(enabled: bool) -> Iterator[object]:
    if not enabled:
        yield lambda _stage, _done, _total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
        tasks: dict[str, object] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"importing {stage}", total=total)
            bar.update(tasks[stage], completed=done)  # type: ignore[arg-type]

        yield update


def run_import(url: str, settings: Settings, path: Path) -> ImportReport:
    with _progress(sys.stderr.isatty()) as progress:
        catalog = run_validate(path)

        async def write() -> ImportReport:
            # Through the registry: every change becomes a published registry version of actor `import`.
            from ishenzhen.registry.bulk import import_catalog

            connection = await connect(url, settings.database.connect_timeout)
            try:
                return await import_catalog(connection, catalog, progress)  # type: ignore[arg-type]
            finally:
                await connection.close()

        report = asyncio.run(write())
    if report.changed_anything:
        print(
            f"catalogue imported: {report.added} added, {report.changed} changed, {report.unchanged} unchanged, "
            f"{report.withdrawn} withdrawn (revision {report.revision})",
            file=sys.stderr,
        )
    else:
        print(f"catalogue unchanged: all {report.unchanged} items already up to date", file=sys.stderr)
    return report


def catalog_is_empty(url: str, settings: Settings) -> bool:
    async def check() -> bool:
        connection = await connect(url, settings.database.connect_timeout)
        try:
            return not await connection.fetchval("SELECT EXISTS (SELECT 1 FROM catalog_items)")
        finally:
            await connection.close()

    return asyncio.run(check())
