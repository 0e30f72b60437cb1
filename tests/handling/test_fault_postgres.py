"""PostgreSQL stopped with ``pg_ctl stop -m immediate`` during a burst of submissions: after the restart every
application that got a 202 exists. A request that got an error was not stored, except when its commit reached
the disk and only the acknowledgement was lost with the server (no gateway can know; the test counts them);
sent again with its Idempotency-Key, such a request gets its stored 202 and never a second application. The
counts are printed for the report."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.db.migrate import apply_migrations
from ishenzhen.embedded import EmbeddedPostgres
from ishenzhen.settings import Settings
from tests.conftest import with_database, world_traversable_tmpdir
from tests.handling.gateway_process import GatewayProcess
from tests.handling.helpers import Client, Headers, eventually, person_form, submissions_only
from tests.identity.conftest import L2

pytestmark = pytest.mark.slow
Citizen = Callable[..., Awaitable[Headers]]


@pytest.fixture
def settings(database_url: str, published: None) -> Settings:
    return submissions_only(database_url)


@pytest.fixture
def logs() -> Iterator[Path]:
    folder = world_traversable_tmpdir("ishenzhen-test-pgstop-logs-")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def own_server() -> Iterator[EmbeddedPostgres]:
    root = world_traversable_tmpdir("ishenzhen-test-pgstop-")
    server = EmbeddedPostgres(root / "cluster")
    server.start()
    try:
        yield server
    finally:
        server.stop(mode="immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
async def database_url(own_server: EmbeddedPostgres) -> str:
    """A migrated database on the test's own server (the fixtures above it import the items into it)."""
    admin = await asyncpg.connect(with_database(own_server.url, "postgres"))
    name = f"faults_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    database = with_database(own_server.url, name)
    connection = await asyncpg.connect(database)
    try:
        await apply_migrations(connection)
    finally:
        await connection.close()
    return database


async def test_postgres_stopped_mid_burst_keeps_every_202_and_nothing_that_failed(
    own_server: EmbeddedPostgres,
    client: Client,
    citizen: Citizen,
    items: dict[str, ServiceItem],
    database_url: str,
    logs: Path,
) -> None:
    item = items["person"]
    auth = await citizen(L2)
    form = {k: v for k, v in (await person_form(client, auth, item.code)).items() if not isinstance(v, list)}
    gateway = GatewayProcess(
        database_url, None, logs / "gateway.log", handling_dispatch_workers="0", db_connect_timeout="2"
    )
    accepted: dict[str, str] = {}
    failed: list[str] = []
    try:
        gateway.start()
        async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as http:

            async def submit(key: str) -> None:
                try:
                    answer = await http.post(
                        "/v1/applications",
                        json={"item_code": item.code, "form": form},
                        headers={**auth, "Idempotency-Key": key},
                    )
                except httpx.HTTPError:
                    failed.append(key)
                    return
                if answer.status_code == 202:
                    accepted[key] = answer.json()["id"]
                else:
                    failed.append(key)

            async def burst(n: int) -> None:
                for _ in range(n):
                    await asyncio.gather(*(submit(str(uuid.uuid4())) for _ in range(8)))

            running = asyncio.create_task(burst(40))

            async def some_accepted() -> bool:
                return len(accepted) >= 40

            await eventually(some_accepted, within=60)
            await asyncio.to_thread(own_server.stop, "immediate")
            await running
            await asyncio.to_thread(own_server.start)
            # Stored while its answer was lost: the commit reached the disk, the acknowledgement never reached
            # us (no server can tell the client otherwise). Which ones, before anyone retries:
            connection = await asyncpg.connect(database_url)
            try:
                committed_unacknowledged = {
                    row["key"] for row in await connection.fetch("SELECT key FROM handling_idempotency_keys")
                } & set(failed)
            finally:
                await connection.close()
            # The client's way out is its Idempotency-Key: every failed request sent again with its key is
            # answered with 202: the stored answer for those committed, a new application for the others.
            replayed: set[str] = set()

            async def resend(key: str) -> bool:
                try:
                    answer = await http.post(
                        "/v1/applications",
                        json={"item_code": item.code, "form": form},
                        headers={**auth, "Idempotency-Key": key},
                    )
                except httpx.HTTPError:
                    return False
                if answer.status_code != 202:
                    return False
                accepted[key] = answer.json()["id"]
                if answer.headers.get("idempotent-replayed") == "true":
                    replayed.add(key)
                return True

            first = failed[0]

            async def recovered() -> bool:
                return await resend(first)

            await eventually(recovered, within=30)
            for key in failed[1:]:
                assert await resend(key), key
    finally:
        gateway.stop()
    connection = await asyncpg.connect(database_url)
    try:
        stored = {str(row["id"]) for row in await connection.fetch("SELECT id FROM handling_applications")}
        outbox = await connection.fetchval("SELECT count(*) FROM handling_outbox")
    finally:
        await connection.close()
    acknowledged = len(accepted) - len(failed)
    print(
        f"\npg_ctl stop -m immediate: 202s {acknowledged}, errors {len(failed)}, of which committed but "
        f"unacknowledged {len(committed_unacknowledged)}; after restart and retries with the same keys: "
        f"applications {len(stored)}, outbox records {outbox}, replayed answers {len(replayed)}"
    )
    assert failed, "PostgreSQL stopped after the burst: nothing tested"
    assert set(accepted.values()) == stored  # every 202 survived, and every key is exactly one application
    assert len(stored) == len(accepted) == outbox
    # An error never hides a second application: what had committed is answered as stored, not made again.
    assert replayed == committed_unacknowledged
