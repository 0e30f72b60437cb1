"""The outbox dispatcher against the department simulators as real processes: delivery, retries with backoff,
parking as dead, re-queueing, expired leases, and two gateway instances on one database."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient

from ishenzhen.app import create_app
from ishenzhen.catalog.model import ServiceItem
from ishenzhen.handling.outbox import RetryPolicy
from ishenzhen.settings import Settings, load_settings
from tests.handling.helpers import Client, Headers, apply, eventually, person_form
from tests.identity.conftest import ISSUER, L2
from tests.simulators_fixture import Simulators

Items = dict[str, ServiceItem]
Citizen = Callable[..., Awaitable[Headers]]


@pytest.fixture
def settings(database_url: str, published: None, simulators: Simulators) -> Settings:
    return load_settings(
        {},
        database_url=database_url,
        log_format="json",
        log_level="warning",
        identity_issuer=ISSUER,
        identity_key_refresh_seconds=0,
        handling_dispatch_workers=2,
        handling_dispatch_poll_seconds=0.2,
        handling_max_attempts=3,
        handling_backoff_base_seconds=0.05,
        handling_backoff_cap_seconds=0.2,
        handling_lease_seconds=1,
        departments_directory_file=str(simulators.directory_file),
        departments_simulators=False,
    )


async def status_of(pool: asyncpg.Pool, application_id: str) -> str:
    async with pool.acquire() as connection:
        return str(
            await connection.fetchval(
                "SELECT status FROM handling_applications WHERE id = $1::uuid", application_id
            )
        )


async def submit(client: Client, auth: Headers, item: ServiceItem) -> dict[str, Any]:
    answer = await apply(
        client, auth, {"item_code": item.code, "form": await person_form(client, auth, item.code)}
    )
    assert answer.status_code == 202, answer.text
    return answer.json()  # type: ignore[no-any-return]


async def test_an_application_reaches_its_department_once_with_a_receipt(
    client: Client, citizen: Citizen, items: Items, db_pool: asyncpg.Pool, simulators: Simulators
) -> None:
    item = items["person"]
    auth = await citizen(L2)
    made = await submit(client, auth, item)

    async def delivered() -> bool:
        return await status_of(db_pool, made["id"]) == "delivered"

    await eventually(delivered, within=5)
    report = await simulators.report(item.department)
    assert made["number"] in report["cases"] and report["counters"]["received"] == 1
    detail = (await client.get(f"/v1/applications/{made['id']}", headers=auth)).json()
    assert detail["receipt_number"] and detail["timeline"][-1]["actor"] == "gateway"
    async with db_pool.acquire() as connection:
        row = await connection.fetchrow("SELECT state, attempts, lease_owner FROM handling_outbox")
    assert dict(row) == {"state": "delivered", "attempts": 1, "lease_owner": None}


async def test_a_department_that_is_down_is_retried_then_parked_and_requeued_by_an_operator(
    client: Client,
    citizen: Citizen,
    items: Items,
    db_pool: asyncpg.Pool,
    simulators: Simulators,
    department: Any,
) -> None:
    item = items["person"]
    await simulators.knobs(item.department, down=True)
    auth = await citizen(L2)
    made = await submit(client, auth, item)

    async def failed() -> bool:
        return await status_of(db_pool, made["id"]) == "delivery_failed"

    await eventually(failed, within=10)
    async with db_pool.acquire() as connection:
        row = await connection.fetchrow(
            "SELECT state, attempts, error_source, last_error FROM handling_outbox"
        )
    assert (row["state"], row["attempts"], row["error_source"]) == ("dead", 3, "link")
    inbox = (await client.get("/v1/me/messages", headers=auth)).json()
    assert inbox["items"][0]["status"] == "delivery_failed"

    ops = await department("government-services-data", scope="ops:dead-letters")
    listed = await client.get("/v1/ops/dead-letters", headers=ops)
    assert listed.status_code == 200, listed.text
    [letter] = listed.json()["items"]
    assert (letter["number"], letter["attempts"], letter["error_source"]) == (made["number"], 3, "link")
    await simulators.knobs(item.department, down=False)
    requeued = await client.post(f"/v1/ops/dead-letters/{letter['id']}/requeue", json={}, headers=ops)
    assert requeued.status_code == 200, requeued.text

    async def delivered() -> bool:
        return await status_of(db_pool, made["id"]) == "delivered"

    await eventually(delivered, within=5)
    statuses = [
        t["status"]
        for t in (await client.get(f"/v1/applications/{made['id']}", headers=auth)).json()["timeline"]
    ]
    assert statuses == ["submitted", "delivery_failed", "submitted", "delivered"]
    assert (await client.get("/v1/ops/dead-letters", headers=ops)).json()["items"] == []
    again = await client.post(f"/v1/ops/dead-letters/{letter['id']}/requeue", json={}, headers=ops)
    assert again.status_code == 409
    citizen_try = await client.get("/v1/ops/dead-letters", headers=auth)
    assert citizen_try.status_code == 403


@pytest.fixture
async def second_instance(settings: Settings) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings), base_url=ISSUER) as other:
        yield other


async def test_two_instances_on_one_database_deliver_each_application_once(
    client: Client,
    second_instance: Client,
    citizen: Citizen,
    items: Items,
    db_pool: asyncpg.Pool,
    simulators: Simulators,
) -> None:
    item = items["person"]
    auth = await citizen(L2)
    form = await person_form(client, auth, item.code)
    # Stored with the outbox records due later, so both instances' workers race for all of them at once.
    numbers = []
    for n in range(30):
        body = {"item_code": item.code, "form": {k: v for k, v in form.items() if not isinstance(v, list)}}
        answer = await apply(client if n % 2 else second_instance, auth, body)
        assert answer.status_code == 202, answer.text
        numbers.append(answer.json()["number"])

    async def all_delivered() -> bool:
        async with db_pool.acquire() as connection:
            return bool(
                await connection.fetchval(
                    "SELECT count(*) = 30 FROM handling_outbox WHERE state = 'delivered'"
                )
            )

    await eventually(all_delivered, within=15)
    report = await simulators.report(item.department)
    assert set(numbers) <= set(report["cases"])
    assert report["counters"]["received"] == 30
    # At least once: a duplicate only if a worker outlived its lease, which these fast answers never do.
    assert report["counters"]["duplicates"] == 0
    async with db_pool.acquire() as connection:
        owners = {r["lease_owner"] for r in await connection.fetch("SELECT lease_owner FROM handling_outbox")}
    assert owners == {None}


@given(st.integers(1, 30), st.one_of(st.none(), st.floats(0, 100)))
def test_full_jitter_stays_within_its_bound_and_honours_retry_after(
    attempts: int, retry_after: float | None
) -> None:
    policy = RetryPolicy(max_attempts=10, base_seconds=1.0, cap_seconds=60.0)
    delay = policy.delay(attempts, retry_after, random.Random(attempts))
    bound = min(60.0, 2.0 ** (attempts - 1))
    assert delay >= (retry_after or 0.0)
    assert delay <= max(bound, retry_after or 0.0)


def test_full_jitter_spreads_retries() -> None:
    policy = RetryPolicy(max_attempts=10, base_seconds=1.0, cap_seconds=60.0)
    rng = random.Random(7)
    delays = [policy.delay(5, None, rng) for _ in range(1000)]
    assert 0 <= min(delays) < 1 and 15 < max(delays) <= 16
    assert 7 < sum(delays) / len(delays) < 9  # uniform on [0, 16]: mean 8
