"""Faults, each a test: the gateway SIGKILLed in the middle of deliveries, and PostgreSQL stopped with
``pg_ctl stop -m immediate`` during a burst of submissions. The counts are printed for the report."""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.settings import Settings
from tests.conftest import world_traversable_tmpdir
from tests.handling.gateway_process import GatewayProcess
from tests.handling.helpers import Client, Headers, apply, eventually, person_form, submissions_only
from tests.identity.conftest import L2
from tests.simulators_fixture import Simulators

pytestmark = pytest.mark.slow
Citizen = Callable[..., Awaitable[Headers]]


@pytest.fixture
def settings(database_url: str, published: None) -> Settings:
    # The in-process app only takes submissions and issues tokens; the gateway processes deliver.
    return submissions_only(database_url)


@pytest.fixture
def logs() -> Iterator[Path]:
    folder = world_traversable_tmpdir("ishenzhen-test-faults-")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


async def outbox_states(pool: asyncpg.Pool) -> dict[str, int]:
    async with pool.acquire() as connection:
        rows = await connection.fetch("SELECT state, count(*) AS n FROM handling_outbox GROUP BY state")
    return {row["state"]: row["n"] for row in rows}


async def test_a_gateway_killed_mid_delivery_delivers_everything_after_restart(
    client: Client,
    citizen: Citizen,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    database_url: str,
    simulators: Simulators,
    logs: Path,
) -> None:
    item = items["person"]
    count = 40
    # Each delivery takes 200 ms at the department, so many are in flight when the gateway dies.
    await simulators.knobs(item.department, latency={"milliseconds": 200})
    auth = await citizen(L2)
    form = {k: v for k, v in (await person_form(client, auth, item.code)).items() if not isinstance(v, list)}
    for _ in range(count):
        assert (await apply(client, auth, {"item_code": item.code, "form": form})).status_code == 202
    gateway = GatewayProcess(
        database_url,
        simulators.directory_file,
        logs / "gateway.log",
        handling_dispatch_workers="8",
        handling_lease_seconds="2",
        handling_dispatch_poll_seconds="0.2",
        # Crash safety is under test, not the retry policy: on a loaded machine a delivery that times out would
        # otherwise wait up to the production cap (minutes) before its next attempt.
        handling_backoff_base_seconds="0.2",
        handling_backoff_cap_seconds="2",
    )
    try:
        gateway.start()

        async def some_delivered() -> bool:
            return (await outbox_states(db_pool)).get("delivered", 0) >= 5

        await eventually(some_delivered, within=30)
        gateway.kill()
        at_kill = await outbox_states(db_pool)
        assert at_kill.get("delivered", 0) < count, "everything was delivered before the kill: nothing tested"
        gateway.start()

        async def all_delivered() -> bool:
            return (await outbox_states(db_pool)).get("delivered", 0) == count

        try:
            await eventually(all_delivered, within=120)
        except AssertionError as missed:
            tail = (logs / "gateway.log").read_text(errors="replace")[-3000:]
            raise AssertionError(
                f"{missed}: outbox {await outbox_states(db_pool)}; gateway log:\n{tail}"
            ) from None
    finally:
        gateway.stop()
    report = await simulators.report(item.department)
    print(
        f"\nSIGKILL: 202s {count}, delivered before kill {at_kill.get('delivered', 0)}, delivered after restart "
        f"{count}, department received {report['counters']['received']}, duplicates {report['counters']['duplicates']}"
    )
    assert report["counters"]["received"] == count  # every application, each one case
    # At most the records claimed when it died: 8 workers, each delivering a claimed batch of up to 8 at once.
    assert report["counters"]["duplicates"] <= 8 * 8
