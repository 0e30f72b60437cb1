"""Submissions under load never deadlock the connection pool (a bug: each held a transaction's connection
while asking the pool for another, so with more submissions in flight than connections none could finish).
Driven at the service, concurrently, on a pool of two connections (the HTTP test client sends one at a time)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.catalog.service import CatalogStore
from ishenzhen.handling import service
from ishenzhen.handling.schemas import ApplicationRequest
from ishenzhen.identity.guards import Principal
from ishenzhen.screens.item_service import ItemScreens
from tests.identity.conftest import L2


@pytest.fixture
async def small_pool(database_url: str, published: None) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    assert pool is not None
    try:
        yield pool
    finally:
        await pool.close()


async def test_more_submissions_in_flight_than_connections_all_complete(
    small_pool: asyncpg.Pool, items: dict[str, ServiceItem]
) -> None:
    async with small_pool.acquire() as connection:
        await connection.execute(
            "INSERT INTO identity_accounts (id, mobile, assurance_level, name, resident_id, verified_at) "
            "VALUES ($1, $2, 2, '张伟', '440303198503120017', now())",
            uuid.uuid4(),
            L2,
        )
        subject = str(await connection.fetchval("SELECT id FROM identity_accounts WHERE mobile = $1", L2))
    store = CatalogStore(small_pool)
    await store.refresh()
    screens = ItemScreens(store, "https://www.gdzwfw.gov.cn/portal/guide/{implementation_code}")
    principal = Principal(
        sub=subject,
        client_id="ishenzhen-app",
        scopes=frozenset({"applications:submit"}),
        acr="L2",
        party=None,
        claims={},
    )
    item = items["person"]
    form = {
        "applicant_name": "张伟",
        "applicant_id_number": "440303198503120017",
        "contact_mobile": L2,
        "promise": True,
    }
    request = ApplicationRequest(item_code=item.code, form=form)

    async def one() -> str:
        submission = await service.submit(
            small_pool, screens, principal, request, key=str(uuid.uuid4()), render=None, key_hours=24
        )
        return submission.accepted.status

    async with asyncio.timeout(20):
        statuses = await asyncio.gather(*(one() for _ in range(8)))
    assert statuses == ["submitted"] * 8
