"""The real catalogue, imported once per session into a database the read-only API tests share."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.app import create_app
from ishenzhen.catalog.importer import import_catalog
from ishenzhen.catalog.source.model import Catalog
from ishenzhen.catalog.source.validator import load_catalog
from ishenzhen.settings import load_settings
from tests.conftest import with_database

CATALOG_DIR = Path(__file__).parents[2] / "services_catalog"


@pytest.fixture(scope="session")
def real_catalog() -> Catalog:
    return load_catalog(CATALOG_DIR)


@pytest.fixture(scope="session")
async def catalog_database_url(
    pg_admin_url: str, template_database: str, real_catalog: Catalog
) -> AsyncIterator[str]:
    name = f"catalog_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(pg_admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}" STRATEGY FILE_COPY')
        url = with_database(pg_admin_url, name)
        connection = await asyncpg.connect(url)
        try:
            await import_catalog(connection, real_catalog)
        finally:
            await connection.close()
        yield url
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def catalog_client(catalog_database_url: str) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """Read-only: tests using it must not change the catalogue."""
    settings = load_settings({}, database_url=catalog_database_url, log_format="json", access_log=False)
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client
