"""The whole loop with real processes: a gateway under granian delivers to the department simulators, which
move their cases on and call the gateway back with their own client-credentials tokens; the citizen sees every
step. Once with the simulators' duplicate and out-of-order callbacks on: the timeline is the same."""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable, Iterator

import asyncpg
import pytest

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.identity.seed import seed_department_clients
from ishenzhen.settings import Settings
from tests.conftest import world_traversable_tmpdir
from tests.handling.gateway_process import GatewayProcess
from tests.handling.helpers import Client, Headers, apply, eventually, person_form, submissions_only
from tests.identity.conftest import L2
from tests.simulators_fixture import Simulators

pytestmark = pytest.mark.slow
FINAL = {"approved", "rejected", "completed"}


@pytest.fixture
def settings(database_url: str, published: None) -> Settings:
    return submissions_only(database_url)


@pytest.fixture
def gateway(database_url: str, simulators: Simulators) -> Iterator[GatewayProcess]:
    folder = world_traversable_tmpdir("ishenzhen-test-e2e-")
    process = GatewayProcess(
        database_url,
        simulators.directory_file,
        folder / "gateway.log",
        handling_dispatch_workers="4",
        handling_dispatch_poll_seconds="0.2",
    )
    try:
        process.start()
        yield process
    finally:
        process.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("knobs", [{}, {"duplicate_callbacks": True, "out_of_order_callbacks": True}])
async def test_an_application_goes_round_the_loop_to_a_decision(
    client: Client,
    citizen: Callable[..., Awaitable[Headers]],
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    simulators: Simulators,
    gateway: GatewayProcess,
    knobs: dict[str, bool],
) -> None:
    item = items["person"]
    async with db_pool.acquire() as connection:
        await seed_department_clients(
            connection, [(s.client_id, s.name, s.slug, s.secret) for s in simulators.secrets.values()]
        )
    await simulators.repoint(gateway.url)
    if knobs:
        await simulators.knobs(item.department, **knobs)
    auth = await citizen(L2)
    made = await apply(
        client, auth, {"item_code": item.code, "form": await person_form(client, auth, item.code)}
    )
    assert made.status_code == 202, made.text
    url = made.headers["location"]

    async def decided() -> bool:
        return (await client.get(url, headers=auth)).json()["status"] in FINAL

    await eventually(decided, within=20)
    detail = (await client.get(url, headers=auth)).json()
    statuses = [t["status"] for t in detail["timeline"]]
    assert statuses[0] == "submitted" and statuses[-1] in FINAL
    assert detail["receipt_number"]
    department_rows = [t for t in detail["timeline"] if t["actor"] == "department"]
    assert department_rows and all(t["actor_id"] == item.department for t in department_rows)
    # Each status once (duplicates absorbed by event id, reordering undone by sequence), in a legal order.
    assert len(statuses) == len(set(statuses))
    async with db_pool.acquire() as connection:
        events = await connection.fetch(
            "SELECT sequence, applied_at FROM handling_department_events ORDER BY sequence"
        )
    assert [e["sequence"] for e in events] == list(range(1, len(events) + 1))
    assert all(e["applied_at"] is not None for e in events)
    inbox = (await client.get("/v1/me/messages", headers=auth)).json()
    # Read after the timeline: the case may have moved on once more (approved -> completed) in between.
    assert [m["status"] for m in inbox["items"]][::-1][: len(statuses)] == statuses
