from __future__ import annotations

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.app import create_app
from ishenzhen.settings import Settings


async def test_live_answers_without_the_database(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "not-checked"}


async def test_ready_checks_the_database(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_ready_is_503_when_the_database_is_gone(settings: Settings, pg_admin_url: str) -> None:
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/health/ready")).status_code == 200
        admin = await asyncpg.connect(pg_admin_url)
        try:
            database = settings.database.url.rsplit("/", 1)[1]
            await admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        finally:
            await admin.close()
        response = await client.get("/health/ready")
        assert (await client.get("/health/live")).status_code == 200
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}


async def test_the_root_is_an_index_of_where_to_go(client) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    index = response.json()
    for link in ("docs", "openapi", "health", "discovery"):
        assert (await client.get(index[link])).status_code == 200, link
