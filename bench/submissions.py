"""``python -m bench.submissions``: sustained 202s per second with the dispatcher delivering at the same time,
and the delivery lag (202 -> the department system acknowledged it).

One gateway worker (``ishenzhen serve`` with its embedded PostgreSQL and the department simulators, as in
development), ``--concurrency`` citizens' apps submitting ``POST /v1/applications`` (each with a fresh
Idempotency-Key) for ``--seconds``, while the same process's outbox workers deliver to the simulator of the
item's department and its simulated case moves on and calls back. Afterwards the outbox is read: delivery lag
is ``delivered_at - created_at`` of each record (its commit to the department's signed answer recorded),
p50/p99 over the run. Records still pending at the end count as not delivered and are reported.

Only 127.0.0.1, bounded in time; nothing is left running.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import asyncpg

from bench.endpoints import citizen_token
from bench.server import running_service
from ishenzhen.embedded import EmbeddedPostgres
from ishenzhen.lib.local_process import free_port

ITEM = "200410001000440300"  # 档案查询 (archives): a citizen's item handled online, no upload required
FORM = {
    "applicant_name": "张伟",
    "applicant_id_number": "440303198503120017",
    "contact_mobile": "13800000002",
    "promise": True,
}
TARGET_LAG_P99_S = 1.0


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _free_block(size: int = 8) -> int:
    """The first of ``size`` consecutive free loopback ports (the simulators take one each)."""
    import socket

    for first in range(20_000 + uuid.uuid4().int % 20_000, 60_000, size):
        try:
            probes = []
            for port in range(first, first + size):
                probe = socket.socket()
                probes.append(probe)
                probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise RuntimeError("no free block of loopback ports")


def _database_url(data_dir: Path, port: int) -> str:
    # The URL serve itself connects with: the embedded server's, with its superuser password.
    return EmbeddedPostgres(data_dir, port=port).url


async def _load(base_url: str, token: str, seconds: float, concurrency: int) -> tuple[int, int, list[float]]:
    accepted = failed = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(base_url, headers=headers) as session:

        async def one_app() -> None:
            nonlocal accepted, failed
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with session.post(
                    "/v1/applications",
                    json={"item_code": ITEM, "form": FORM},
                    headers={"Idempotency-Key": str(uuid.uuid4())},
                ) as answer:
                    await answer.read()
                    if answer.status == 202:
                        accepted += 1
                        latencies.append(time.perf_counter() - started)
                    else:
                        failed += 1

        await asyncio.gather(*(one_app() for _ in range(concurrency)))
    return accepted, failed, latencies


async def _lags(url: str, settle_s: float) -> tuple[list[float], int]:
    connection = await asyncpg.connect(url)
    try:
        deadline = time.monotonic() + settle_s
        while time.monotonic() < deadline and await connection.fetchval(  # noqa: ASYNC110 - polls the database
            "SELECT count(*) FROM handling_outbox WHERE state = 'pending'"
        ):
            await asyncio.sleep(0.2)
        rows = await connection.fetch(
            "SELECT extract(epoch FROM delivered_at - created_at)::float8 AS lag FROM handling_outbox "
            "WHERE state = 'delivered' AND kind = 'submission'"
        )
        pending = await connection.fetchval("SELECT count(*) FROM handling_outbox WHERE state <> 'delivered'")
    finally:
        await connection.close()
    return [row["lag"] for row in rows], pending


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.submissions", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the submission run [20]")
    parser.add_argument("--concurrency", type=int, default=16, help="apps submitting at once [16]")
    parser.add_argument("--workers", type=int, default=4, help="outbox workers in the gateway process [4]")
    parser.add_argument("--keep", action="store_true", help="keep the data folder and the service log")
    arguments = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="ishenzhen-bench-submissions-"))
    folder.chmod(0o755)
    pg_port = free_port()
    try:
        # The simulators on ports of their own (the default 8101.. may be another checkout's serve).
        # The department simulators are what the outbox delivers to: bench.server leaves them off by default.
        env = {
            "ISHENZHEN_DEPARTMENTS_SIMULATORS": "1",
            "ISHENZHEN_HANDLING_DISPATCH_WORKERS": str(arguments.workers),
            "ISHENZHEN_ACCESS_LOG": "0",
            "ISHENZHEN_IDENTITY_ACCESS_TOKEN_SECONDS": "3600",
            "ISHENZHEN_DEPARTMENTS_SIMULATOR_PORT": str(_free_block()),
            # The database on a port we choose, so we can read the outbox afterwards.
            "ISHENZHEN_PG_PORT": str(pg_port),
        }
        with running_service(
            folder / "data", folder / "service.log", ready_deadline_s=300, extra_env=env
        ) as service:
            token = citizen_token(service.base_url, scope="openid profile applications:submit")
            accepted, failed, latencies = asyncio.run(
                _load(service.base_url, token, arguments.seconds, arguments.concurrency)
            )
            lags, pending = asyncio.run(_lags(_database_url(folder / "data", pg_port), settle_s=30))
        rate = accepted / arguments.seconds
        p50, p99 = percentile(lags, 0.50), percentile(lags, 0.99)
        verdict = "ok" if p99 < TARGET_LAG_P99_S and not pending else "FAIL"
        print(
            f"submissions: {accepted} accepted (202) in {arguments.seconds:.0f} s = {rate:.0f}/s per worker, "
            f"{failed} refused; 202 latency p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p99 "
            f"{percentile(latencies, 0.99) * 1000:.1f} ms\n"
            f"delivery lag (commit -> department acknowledged, {len(lags)} records): p50 {p50 * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.0f} ms (target p99 < {TARGET_LAG_P99_S * 1000:.0f} ms) {verdict}; "
            f"not delivered at the end: {pending}"
        )
    finally:
        if arguments.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
