"""Scheduled publication: by the instance's own scheduler, and by ``run_due`` at an explicit time, once."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.registry.scheduler import run_due
from tests.registry.conftest import NEW_ITEM_CODE, Token, as_json, bearer, eventually

Client = AsyncTestClient[Litestar]
ITEMS = "/v1/registry/items"


async def _approved(client: Client, token: Token, item: ServiceItem, effective_at: dt.datetime) -> dict:
    archives = await token("archives")
    created = await client.post(ITEMS, json=as_json(item), headers=bearer(archives))
    submitted = await client.post(
        f"{ITEMS}/{item.code}/draft/submit",
        json={"effective_at": effective_at.isoformat()},
        headers=bearer(archives, **{"If-Match": created.headers["etag"]}),
    )
    assert submitted.status_code == 200, submitted.text
    reviewer = await token("reviewer", "registry:review")
    approved = await client.post(f"{ITEMS}/{item.code}/versions/1/approve", json={}, headers=bearer(reviewer))
    assert approved.status_code == 200, approved.text
    return dict(approved.json())


async def test_a_scheduled_version_is_published_when_its_time_comes(
    client: Client, token: Token, new_item: ServiceItem
) -> None:
    effective_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1.5)
    approved = await _approved(client, token, new_item, effective_at)
    assert approved["status"] == "scheduled"
    assert (await client.get(f"/v1/catalog/items/{NEW_ITEM_CODE}")).status_code == 404
    archives = await token("archives")

    async def published() -> bool:
        item = await client.get(f"{ITEMS}/{NEW_ITEM_CODE}", headers=bearer(archives))
        return item.json()["published_version"] == 1

    await eventually(published, within=10)
    version = (await client.get(f"{ITEMS}/{NEW_ITEM_CODE}/versions/1", headers=bearer(archives))).json()
    assert dt.datetime.fromisoformat(version["published_at"]) >= effective_at

    async def listed() -> bool:
        return (await client.get(f"/v1/catalog/items/{NEW_ITEM_CODE}")).status_code == 200

    await eventually(listed)


async def test_run_due_publishes_each_due_item_once_across_instances(
    client: Client, token: Token, new_item: ServiceItem, database_url: str
) -> None:
    effective_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)  # far beyond the app's own scheduler
    await _approved(client, token, new_item, effective_at)
    first, second = await asyncpg.connect(database_url), await asyncpg.connect(database_url)
    try:
        assert await run_due(first, effective_at - dt.timedelta(seconds=1)) == 0
        # Two instances at once: SKIP LOCKED lets exactly one of them publish.
        results = await asyncio.gather(run_due(first, effective_at), run_due(second, effective_at))
        assert sorted(results) == [0, 1]
        assert await run_due(first, effective_at + dt.timedelta(days=1)) == 0
        audit = await first.fetch(
            "SELECT action, actor FROM registry_audit WHERE code = $1 ORDER BY id", NEW_ITEM_CODE
        )
        assert [tuple(row) for row in audit][-1] == ("published", "scheduler")
        assert [row["action"] for row in audit].count("published") == 1
    finally:
        await first.close()
        await second.close()


async def test_a_scheduled_withdrawal_is_carried_out_by_run_due(
    client: Client, token: Token, database_url: str
) -> None:
    archives = await token("archives")
    code = "200410001000440300"
    at = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    answer = await client.post(
        f"{ITEMS}/{code}/withdraw",
        json={"reason": "到期", "effective_at": at.isoformat()},
        headers=bearer(archives),
    )
    assert answer.status_code == 200
    connection = await asyncpg.connect(database_url)
    try:
        assert await run_due(connection, at) == 1
        listing = await connection.fetchval("SELECT listing FROM catalog_items WHERE code = $1", code)
        assert listing == "withdrawn"
    finally:
        await connection.close()
    item = (await client.get(f"{ITEMS}/{code}", headers=bearer(archives))).json()
    assert item["state"] == "withdrawn" and item["scheduled_withdrawal"] is None


async def test_submitting_for_a_past_time_is_refused(
    client: Client, token: Token, new_item: ServiceItem
) -> None:
    archives = await token("archives")
    created = await client.post(ITEMS, json=as_json(new_item), headers=bearer(archives))
    past = await client.post(
        f"{ITEMS}/{NEW_ITEM_CODE}/draft/submit",
        json={"effective_at": "2020-01-01T00:00:00+08:00"},
        headers=bearer(archives, **{"If-Match": created.headers["etag"]}),
    )
    assert past.status_code == 422 and past.json()["errors"][0]["name"] == "/effective_at"
