"""Handling over HTTP: real catalogue items in the test's database, real citizen and department tokens.

``items`` picks one item of each kind the rules tell apart; ``citizen`` signs a demo account in through the
app's own code + PKCE flow; ``department`` registers a department system's client and fetches its token.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.importer import import_catalog
from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.catalog.source._loading import read_catalog
from ishenzhen.handling.service import ONLINE_CHANNELS, ONLINE_DEPTHS
from ishenzhen.identity.cli import register_department_client
from ishenzhen.identity.seed import DEMO_ENTERPRISE
from ishenzhen.settings import Settings, load_settings
from tests.identity.conftest import ISSUER, L2, L3, app, app_tokens, client, oauth_client  # noqa: F401

CATALOG_DIR = Path(__file__).parents[2] / "services_catalog"
CREDIT_CODE = DEMO_ENTERPRISE[0]
Client = AsyncTestClient[Litestar]
Headers = dict[str, str]


def online(item: ServiceItem) -> bool:
    return bool(ONLINE_CHANNELS & set(item.channels)) and item.online_depth in ONLINE_DEPTHS


@pytest.fixture(scope="session")
def full_catalogue() -> Catalog:
    return read_catalog(CATALOG_DIR).catalog


@pytest.fixture(scope="session")
def items(full_catalogue: Catalog) -> dict[str, ServiceItem]:
    everything = full_catalogue.items
    people = [
        i for i in everything if i.audience == "natural_person" and online(i) and i.result.type != "licence"
    ]
    return {
        "person": people[0],
        "person_other_department": next(i for i in people if i.department != people[0].department),
        "licence": next(
            i
            for i in everything
            if i.audience == "natural_person" and online(i) and i.result.type == "licence"
        ),
        "enterprise": next(
            i for i in everything if i.audience == "legal_person" and online(i) and i.result.type != "licence"
        ),
        "offline": next(i for i in everything if i.audience == "natural_person" and not online(i)),
        "withdrawn": people[1],
    }


@pytest.fixture
async def published(
    database_url: str, full_catalogue: Catalog, items: dict[str, ServiceItem]
) -> AsyncIterator[None]:
    """Imports the picked items, then withdraws one (a second import without it)."""
    connection = await asyncpg.connect(database_url)
    try:
        chosen = msgspec.structs.replace(full_catalogue, items=list(items.values()))
        await import_catalog(connection, chosen)
        listed = [item for key, item in items.items() if key != "withdrawn"]
        await import_catalog(connection, msgspec.structs.replace(full_catalogue, items=listed))
    finally:
        await connection.close()
    yield


@pytest.fixture
def settings(database_url: str, published: None) -> Settings:
    # No delivery workers here: these tests look at what is stored; the dispatcher has tests of its own.
    return load_settings(
        {},
        database_url=database_url,
        log_format="json",
        log_level="warning",
        identity_issuer=ISSUER,
        identity_key_refresh_seconds=0,
        handling_dispatch_workers=0,
        change_poll_seconds=0.2,
    )


@pytest.fixture
def citizen(client: Client, oauth_client: Callable[..., Any]) -> Callable[..., Awaitable[Headers]]:  # noqa: F811
    """Authorization headers for a demo account: ``await citizen(L2)``, ``await citizen(L3, party=...)``."""

    async def sign_in(mobile: str = L2, party: str | None = None) -> Headers:
        client.cookies.clear()
        scope = "openid profile applications:submit" + (" enterprise" if party else "")
        tokens = await app_tokens(client, oauth_client, mobile=mobile, scope=scope, party=party)
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    return sign_in


@pytest.fixture
def department(client: Client, database_url: str) -> Callable[..., Awaitable[Headers]]:  # noqa: F811
    """Authorization headers of a department system's client-credentials token (scope applications:update)."""
    made: dict[str, tuple[str, str]] = {}

    async def token(slug: str, scope: str = "applications:update") -> Headers:
        if slug not in made:
            connection = await asyncpg.connect(database_url)
            try:
                made[slug] = await register_department_client(
                    connection,
                    name=f"{slug} system",
                    department=slug,
                    scopes=["applications:update", *(["ops:dead-letters"] if "ops" in scope else [])],
                    client_id=f"test-{slug}",
                )
            finally:
                await connection.close()
        answer = await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "scope": scope},
            auth=made[slug],
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    return token
