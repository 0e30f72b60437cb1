"""Screens over HTTP: a few real catalogue items imported into the test's database, the identity provider
on https://testserver.local for real access tokens; and the whole real catalogue (``catalog_client``,
read-only, per session) for what the home screen shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import msgspec
import pytest

from ishenzhen.catalog.importer import import_catalog
from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.catalog.source._loading import read_catalog
from ishenzhen.settings import Settings, load_settings
from tests.catalog.conftest import catalog_client, catalog_database_url, real_catalog  # noqa: F401 - fixtures
from tests.identity.conftest import ISSUER, app, client, oauth_client, settings  # noqa: F401 - fixtures

CATALOG_DIR = Path(__file__).parents[2] / "services_catalog"


@pytest.fixture(scope="session")
def full_catalogue() -> Catalog:
    return read_catalog(CATALOG_DIR).catalog


def pick(catalogue: Catalog) -> dict[str, ServiceItem]:
    items = catalogue.items
    people = [i for i in items if i.audience == "natural_person" and "post" not in i.channels]
    return {
        "person": people[0],
        "enterprise": next(i for i in items if i.audience == "legal_person"),
        "both_by_post": next(i for i in items if i.audience == "both" and "post" in i.channels),
        "withdrawn": people[1],
    }


@pytest.fixture(scope="session")
def items(full_catalogue: Catalog) -> dict[str, ServiceItem]:
    return pick(full_catalogue)


@pytest.fixture
async def published(
    database_url: str, full_catalogue: Catalog, items: dict[str, ServiceItem]
) -> AsyncIterator[None]:
    """Imports the picked items, then withdraws one (a second import without it): it stays in the table."""
    connection = await asyncpg.connect(database_url)
    try:
        everything = msgspec.structs.replace(full_catalogue, items=list(items.values()))
        await import_catalog(connection, everything)
        listed = [item for key, item in items.items() if key != "withdrawn"]
        await import_catalog(connection, msgspec.structs.replace(full_catalogue, items=listed))
    finally:
        await connection.close()
    yield


@pytest.fixture
def published_settings(database_url: str, published: None) -> Settings:
    """The app's settings over a database holding the picked items (``test_items`` uses these)."""
    return load_settings(
        {},
        database_url=database_url,
        log_format="json",
        log_level="warning",
        identity_issuer=ISSUER,
        identity_key_refresh_seconds=0,
    )
