"""Registry fixtures: a database holding the real reference data and two departments' items (archives, audit),
department clients for both, and the app on the identity test issuer. Tokens come from /oauth/token."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.catalog.source.validator import load_catalog
from ishenzhen.identity.cli import register_department_client
from ishenzhen.identity.seed import REVIEWER_CLIENT_ID, REVIEWER_SECRET
from ishenzhen.registry.bulk import import_catalog
from ishenzhen.settings import Settings, load_settings
from tests.conftest import cloned_database, with_database

CATALOG_DIR = Path(__file__).parents[2] / "services_catalog"
ISSUER = "https://testserver.local"
DEPARTMENTS = ("archives", "audit")
# One real archives item kept out of the import: registering it is registering a new item.
NEW_ITEM_CODE = "200410002000440300"

Token = Callable[..., Awaitable[str]]


@pytest.fixture(scope="session")
def source_catalog() -> Catalog:
    return load_catalog(CATALOG_DIR)


@pytest.fixture(scope="session")
def new_item(source_catalog: Catalog) -> ServiceItem:
    # Never published, so never used: its measured popularity is 0, and a department cannot claim more.
    item = next(item for item in source_catalog.items if item.code == NEW_ITEM_CODE)
    return msgspec.structs.replace(item, popularity=0)


def small_catalog(catalog: Catalog, departments: tuple[str, ...] = DEPARTMENTS) -> Catalog:
    items = [i for i in catalog.items if i.department in departments and i.code != NEW_ITEM_CODE]
    return msgspec.structs.replace(catalog, items=items)


@pytest.fixture(scope="session")
def secrets_box() -> dict[str, tuple[str, str]]:
    return {}


@pytest.fixture(scope="session")
async def registry_template(
    pg_admin_url: str,
    template_database: str,
    source_catalog: Catalog,
    secrets_box: dict[str, tuple[str, str]],
) -> AsyncIterator[str]:
    name = f"registry_template_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(pg_admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}" STRATEGY FILE_COPY')
        url = with_database(pg_admin_url, name)
        connection = await asyncpg.connect(url)
        try:
            await import_catalog(connection, small_catalog(source_catalog))
            for department in DEPARTMENTS:
                secrets_box[department] = await register_department_client(
                    connection, name=f"{department} system", department=department, scopes=["registry:write"]
                )
        finally:
            await connection.close()
        yield name
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def database_url(pg_admin_url: str, registry_template: str) -> AsyncIterator[str]:
    async with cloned_database(pg_admin_url, registry_template, "registry") as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(
        {},
        database_url=database_url,
        log_format="json",
        log_level="warning",
        identity_issuer=ISSUER,
        identity_key_refresh_seconds=0,
        registry_scheduler_seconds=0.2,
        shared_cache_mb=0,
    )


@pytest.fixture
def app(settings: Settings) -> Litestar:
    from ishenzhen.app import create_app

    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url=ISSUER) as test_client:
        test_client.follow_redirects = False
        yield test_client


@pytest.fixture
def token(client: AsyncTestClient[Litestar], secrets_box: dict[str, tuple[str, str]]) -> Token:
    """A token of the client-credentials grant (client_secret_basic): a department's or the reviewer's."""

    async def fetch(who: str, scope: str = "registry:write") -> str:
        client_id, secret = (REVIEWER_CLIENT_ID, REVIEWER_SECRET) if who == "reviewer" else secrets_box[who]
        answer = await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "scope": scope},
            auth=(client_id, secret),
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    return fetch


def bearer(access_token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}", **headers}


def as_json(item: ServiceItem, **changes: Any) -> dict[str, Any]:
    document = msgspec.to_builtins(item)
    document.update(changes)
    return document


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    """Wait until ``check()`` is true, polling, failing after ``within`` seconds (an observable condition
    with a deadline, never a blind sleep). The app runs on the test client's loop: observe it over HTTP."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.02)
