"""``ishenzhen registry export`` (a department's published items back to the source files' format) and the
registry's part of ``ishenzhen catalog import`` (every change published as a version of actor ``import``)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ishenzhen.catalog.importer import ImportReport, Progress
from ishenzhen.catalog.model import Catalog
from ishenzhen.db.pool import connect
from ishenzhen.errors import NotFound
from ishenzhen.registry.bulk import export_department, import_catalog
from ishenzhen.settings import Settings

__all__ = ["ExportFailed", "run_export", "run_import"]


class ExportFailed(LookupError):
    """Nothing to export under that name."""


def run_export(url: str, settings: Settings, department: str, out: Path) -> list[Path]:
    async def run() -> list[Path]:
        connection = await connect(url, settings.database.connect_timeout)
        try:
            return await export_department(connection, department, out)
        except NotFound as exc:
            raise ExportFailed(exc.detail) from None
        finally:
            await connection.close()

    written = asyncio.run(run())
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return written


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress]:
    """A progress bar per import stage on a terminal; silent otherwise (logs and CI stay clean)."""
    if not enabled:
        yield lambda _stage, _done, _total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn
    from rich.progress import Progress as Bar

    with Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"importing {stage}", total=total)
            bar.update(tasks[stage], completed=done)

        yield update


def run_import(url: str, settings: Settings, catalog: Catalog) -> ImportReport:
    """Publish a validated catalogue: every change becomes a published registry version of actor ``import``."""
    with _progress(sys.stderr.isatty()) as progress:

        async def write() -> ImportReport:
            connection = await connect(url, settings.database.connect_timeout)
            try:
                return await import_catalog(connection, catalog, progress)
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
