"""``python -m bench.outbox_queue``: the queue mechanics alone, our outbox against pgqueuer, on one database.

``--queue own``: N outbox records (kind ``withdrawal``: no status change follows, so only the queue's own work
is timed) delivered by ``handling.outbox.Dispatcher`` with ``--workers`` workers and a deliverer that answers
at once: claim (FOR UPDATE SKIP LOCKED + lease), record the outcome, one transaction each.
``--queue pgqueuer``: the same number of jobs through pgqueuer (``QueueManager``, drain mode, an entrypoint
that returns at once, ``--workers`` as its concurrency). pgqueuer is not a dependency of the service: run this
half from a scratch virtual environment with ``pip install pgqueuer asyncpg`` (it imports nothing of ours).

Both report records per second from the first claim to the last acknowledgement. ``--database-url`` names a
scratch database (tables are created in it); 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Sequence

import asyncpg


async def _own(url: str, count: int, workers: int) -> float:
    from ishenzhen.db.migrate import apply_migrations
    from ishenzhen.departments import DeliveryResult, OutboundRequest
    from ishenzhen.handling.outbox import Dispatcher, RetryPolicy

    class Instant:
        async def deliver(self, request: OutboundRequest) -> DeliveryResult:
            return DeliveryResult(
                outcome="delivered", status=202, body=b"{}", retry_after=None, error_source=None, detail=""
            )

    connection = await asyncpg.connect(url)
    try:
        await apply_migrations(connection)
        account = uuid.uuid4()
        await connection.execute(
            "INSERT INTO identity_accounts (id, mobile) VALUES ($1, '13900000000')", account
        )
        # One application per record: records of one application are delivered in order, one at a time.
        ids = [uuid.uuid4() for _ in range(count)]
        await connection.executemany(
            "INSERT INTO handling_applications (id, number, item_code, item_version, department, applicant_id,"
            " client_id, party_kind, spec_version, capabilities, form, status) VALUES ($1, $2, 'x', 1, 'archives',"
            " $3, 'bench', 'self', '1.0', '', '{}', 'withdrawn')",
            [(i, f"SZ2026120399{n:06d}0", account) for n, i in enumerate(ids)],
        )
        await connection.executemany(
            "INSERT INTO handling_outbox (application_id, kind, department, path, body) VALUES ($1, 'withdrawal',"
            " 'archives', '/applications/x/withdrawal', '{}')",
            [(i,) for i in ids],
        )
    finally:
        await connection.close()
    pool = await asyncpg.create_pool(url, min_size=workers, max_size=workers + 2)
    assert pool is not None
    dispatcher = Dispatcher(
        pool, Instant(), workers=workers, lease_seconds=30, poll_seconds=0.05, policy=RetryPolicy(3, 1, 10)
    )
    started = time.perf_counter()
    await dispatcher.start()
    try:
        while await pool.fetchval(  # noqa: ASYNC110 - polls the database
            "SELECT count(*) FROM handling_outbox WHERE state = 'pending'"
        ):
            await asyncio.sleep(0.01)
    finally:
        elapsed = time.perf_counter() - started
        await dispatcher.stop()
        await pool.close()
    return count / elapsed


async def _pgqueuer(url: str, count: int, workers: int) -> float:
    from pgqueuer import AsyncpgDriver, Job, QueueManager
    from pgqueuer.queries import Queries
    from pgqueuer.types import QueueExecutionMode

    connection = await asyncpg.connect(url)
    queries = Queries(AsyncpgDriver(connection))
    try:
        await queries.install()
    except asyncpg.DuplicateObjectError:
        pass
    await queries.enqueue(["deliver"] * count, [b"{}"] * count, [0] * count)
    manager = QueueManager(queries)

    @manager.entrypoint("deliver", concurrency_limit=workers)
    async def deliver(job: Job) -> None:
        return None

    started = time.perf_counter()
    await manager.run(mode=QueueExecutionMode.drain, batch_size=10)
    elapsed = time.perf_counter() - started
    await connection.close()
    return count / elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.outbox_queue", description=__doc__.splitlines()[0])
    parser.add_argument("--queue", choices=["own", "pgqueuer"], required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    arguments = parser.parse_args(argv)
    if "127.0.0.1" not in arguments.database_url and "localhost" not in arguments.database_url:
        parser.error("a scratch database on 127.0.0.1 only")
    runner = _own if arguments.queue == "own" else _pgqueuer
    rate = asyncio.run(runner(arguments.database_url, arguments.count, arguments.workers))
    print(f"{arguments.queue}: {arguments.count} records, {arguments.workers} workers: {rate:.0f} records/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
