"""The real catalogue, imported once per session into a database the read-only API tests share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.app import create_app
from ishenzhen.catalog.importer import import_catalog
from ishenzhen.catalog.model import Catalog
from ishenzhen.catalog.source.validator import load_catalog
from ishenzhen.settings import load_settings
from tests.conftest import cloned_database

CATALOG_DIR = Path(__file__).parents[2] / "services_catalog"


@pytest.fixture(scope="session")
def real_catalog() -> Catalog:
    return load_catalog(CATALOG_DIR)


@pytest.fixture(scope="session")
async def catalog_database_url(
    pg_admin_url: str, template_database: str, real_catalog: Catalog
) -> AsyncIterator[str]:
    async with cloned_database(pg_admin_url, template_database, "catalog") as url:
        connection = await asyncpg.connect(url)
        try:
            await import_catalog(connection, real_catalog)
        finally:
            await connection.close()
        yield url


@pytest.fixture(scope="session")
async def catalog_client(catalog_database_url: str) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """Read-only: tests using it must not change the catalogue."""
    settings = load_settings({}, database_url=catalog_database_url, log_format="json", access_log=False)
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client
