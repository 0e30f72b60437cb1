"""``ishenzhen catalog validate`` and the catalogue's part of ``catalog import``: every file checked first.

The import itself publishes through the registry (``registry.cli.run_import``); the top-level CLI chains the
two, so the catalogue never depends on the registry.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import structlog

from ishenzhen.catalog.model import Catalog
from ishenzhen.catalog.service import has_items
from ishenzhen.catalog.source.validator import load_catalog, validate
from ishenzhen.db.pool import connect
from ishenzhen.settings import Settings

__all__ = ["CatalogInvalid", "catalog_is_empty", "run_validate"]

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


def catalog_is_empty(url: str, settings: Settings) -> bool:
    async def check() -> bool:
        connection = await connect(url, settings.database.connect_timeout)
        try:
            return not await has_items(connection)
        finally:
            await connection.close()

    return asyncio.run(check())
