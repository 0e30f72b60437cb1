"""Leases: a record claimed by a worker that then died is delivered by another once the lease ends; a worker
that outlived its lease records nothing. The gateway here delivers nothing itself (no workers): the workers
under test run on this test's loop, so their lifetimes are the test's to decide."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.departments import DeliveryResult, DepartmentClient, OutboundRequest
from ishenzhen.handling.outbox import Dispatcher, RetryPolicy
from ishenzhen.settings import Settings
from tests.handling.helpers import Client, Headers, apply, eventually, person_form, submissions_only
from tests.identity.conftest import L2
from tests.simulators_fixture import Simulators

Citizen = Callable[..., Awaitable[Headers]]
POLICY = RetryPolicy(max_attempts=3, base_seconds=0.05, cap_seconds=0.2)


@pytest.fixture
def settings(database_url: str, published: None) -> Settings:
    return submissions_only(database_url)


async def submitted(client: Client, citizen: Citizen, item: ServiceItem) -> dict[str, str]:
    auth = await citizen(L2)
    answer = await apply(
        client, auth, {"item_code": item.code, "form": await person_form(client, auth, item.code)}
    )
    assert answer.status_code == 202, answer.text
    return answer.json()  # type: ignore[no-any-return]


async def test_a_dead_workers_record_is_delivered_after_its_lease(
    client: Client,
    citizen: Citizen,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    simulators: Simulators,
) -> None:
    made = await submitted(client, citizen, items["person"])
    async with db_pool.acquire() as connection:
        # A worker of another instance claims it and is SIGKILLed before it records anything.
        claimed = await connection.fetch(
            "UPDATE handling_outbox SET available_at = now() + interval '400 milliseconds', lease_owner = 'killed',"
            " attempts = attempts + 1 RETURNING id"
        )
    assert len(claimed) == 1
    deliverer = DepartmentClient(simulators.directory())
    dispatcher = Dispatcher(db_pool, deliverer, workers=1, lease_seconds=5, poll_seconds=0.05, policy=POLICY)
    await dispatcher.start()
    try:

        async def delivered() -> bool:
            async with db_pool.acquire() as connection:
                return bool(
                    await connection.fetchval(
                        "SELECT status = 'delivered' FROM handling_applications WHERE id = $1::uuid",
                        made["id"],
                    )
                )

        await eventually(delivered, within=5)
    finally:
        await dispatcher.stop()
        await deliverer.aclose()
    async with db_pool.acquire() as connection:
        assert await connection.fetchval("SELECT attempts FROM handling_outbox") == 2


class _Stalling:
    """A deliverer that answers only after the lease has passed (a worker stalled in a long GC pause)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.calls = 0

    async def deliver(self, request: OutboundRequest) -> DeliveryResult:
        import asyncio

        self.calls += 1
        if self.calls == 1:
            await asyncio.sleep(self.seconds)  # longer than the lease: the record is taken over meanwhile
        return DeliveryResult(
            outcome="delivered",
            status=202,
            body=b'{"receipt_number": "R-%d", "status": "delivered"}' % self.calls,
            retry_after=None,
            error_source=None,
            detail="",
        )


async def test_a_worker_that_outlived_its_lease_records_nothing(
    client: Client, citizen: Citizen, items: dict[str, ServiceItem], db_pool: asyncpg.Pool
) -> None:
    made = await submitted(client, citizen, items["person"])
    stalling = _Stalling(seconds=1.5)
    first = Dispatcher(db_pool, stalling, workers=1, lease_seconds=1, poll_seconds=0.05, policy=POLICY)
    second = Dispatcher(db_pool, stalling, workers=1, lease_seconds=5, poll_seconds=0.05, policy=POLICY)
    await first.start()
    try:

        async def claimed() -> bool:
            return stalling.calls == 1

        await eventually(claimed, within=5)
        await second.start()

        async def receipt() -> str | None:
            async with db_pool.acquire() as connection:
                return await connection.fetchval(  # type: ignore[no-any-return]
                    "SELECT receipt_number FROM handling_applications WHERE id = $1::uuid", made["id"]
                )

        async def taken_over() -> bool:
            return await receipt() == "R-2"

        await eventually(taken_over, within=5)

        async def first_done() -> bool:
            async with db_pool.acquire() as connection:
                return bool(await connection.fetchval("SELECT state = 'delivered' FROM handling_outbox"))

        await eventually(first_done, within=5)

        async def stalled_worker_answered() -> bool:
            return first.leases_lost == 1

        await eventually(stalled_worker_answered, within=5)
        # The stalled worker's late answer changed nothing: the second delivery's receipt stands.
        assert await receipt() == "R-2" and stalling.calls == 2
    finally:
        await first.stop()
        await second.stop()


class _HeldBack:
    """A deliverer whose breaker or retry budget holds the first requests back, as after a crash when every
    recovered record counts as a retry: the department sees nothing until ``held`` calls have passed."""

    def __init__(self, held: int) -> None:
        self.held = held
        self.calls = 0

    async def deliver(self, request: OutboundRequest) -> DeliveryResult:
        self.calls += 1
        if self.calls <= self.held:
            return DeliveryResult(
                outcome="retry",
                status=None,
                body=None,
                retry_after=0.01,
                error_source="gateway",
                detail="retry budget spent: not sent",
                sent=False,
            )
        return DeliveryResult(
            outcome="delivered",
            status=202,
            body=b'{"receipt_number": "R-1", "status": "delivered"}',
            retry_after=None,
            error_source=None,
            detail="",
        )


async def test_a_record_held_back_by_the_gateway_keeps_its_attempts_and_is_delivered(
    client: Client, citizen: Citizen, items: dict[str, ServiceItem], db_pool: asyncpg.Pool
) -> None:
    made = await submitted(client, citizen, items["person"])
    held_back = _HeldBack(held=POLICY.max_attempts + 2)  # more holds than the policy allows attempts
    dispatcher = Dispatcher(db_pool, held_back, workers=1, lease_seconds=5, poll_seconds=0.02, policy=POLICY)
    await dispatcher.start()
    try:

        async def settled() -> bool:
            async with db_pool.acquire() as connection:
                return bool(await connection.fetchval("SELECT state <> 'pending' FROM handling_outbox"))

        await eventually(settled, within=10)
    finally:
        await dispatcher.stop()
    async with db_pool.acquire() as connection:
        row = await connection.fetchrow("SELECT state, attempts FROM handling_outbox")
        status = await connection.fetchval(
            "SELECT status FROM handling_applications WHERE id = $1::uuid", made["id"]
        )
    assert (row["state"], row["attempts"], status) == ("delivered", 1, "delivered")
    assert held_back.calls == POLICY.max_attempts + 3
