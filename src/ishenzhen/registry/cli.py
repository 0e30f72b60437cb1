"""``ishenzhen registry export``: a department's published items back to the source files' format."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from ishenzhen.db.pool import connect
from ishenzhen.errors import NotFound
from ishenzhen.registry.bulk import export_department
from ishenzhen.settings import Settings

__all__ = ["ExportFailed", "run_export"]


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
