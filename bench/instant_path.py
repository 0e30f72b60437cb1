"""``python -m bench.instant_path``: the instant-approval data path under a steady load, over real sockets.

What handling's submission will add on top: nothing of the data pulls. Per decision: the facts its rule set
needs are pulled in parallel from the simulated platform (its own process, HMAC-signed HTTP over TCP), every
pull is appended to the hash-chained access log in PostgreSQL (embedded server, one transaction), then the
rules run. Decisions arrive open-loop at ``--rate`` per second for ``--seconds``, spread over all 200 items
and over seeded applicants; latency is from a decision's scheduled start to its outcome. The chain is
verified at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import asyncpg
import httpx

from bench.approvals import RULES, _subjects, sample_form
from ishenzhen.approvals import decide, load_rule_sets
from ishenzhen.db.migrate import apply_migrations
from ishenzhen.embedded import EmbeddedPostgres
from ishenzhen.logging import configure_logging
from ishenzhen.sharing import AccessBasis, PlatformClient, record_pulls, verify_log
from ishenzhen.sharing.access_log import AuditKey
from ishenzhen.sharing.service import DEVELOPMENT_AUDIT_KEY
from ishenzhen_simulators.data_platform.app import DEV_CLIENT_ID, DEV_CLIENT_SECRET
from ishenzhen_simulators.data_platform.registers import City


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _load(url: str, port: int, rate: float, seconds: float, seed: int) -> dict[str, object]:
    city = City(seed)
    rule_sets = sorted(load_rule_sets(RULES).items())
    work = []
    for offset, (code, rule_set) in enumerate(rule_sets):
        for person, enterprise in _subjects(city, rule_set, 5, offset):
            work.append((code, rule_set, person, enterprise))
    pool = await asyncpg.create_pool(url, min_size=10, max_size=10)  # all connected before the load starts
    client = PlatformClient(f"http://127.0.0.1:{port}", DEV_CLIENT_ID, DEV_CLIENT_SECRET, timeout=0.8)
    latencies: list[float] = []
    timeline: list[tuple[float, float]] = []
    phases: dict[str, list[float]] = {"queued": [], "pull": [], "log": [], "decide": []}
    outcomes: Counter[str] = Counter()

    async def one(index: int, due: float) -> None:
        code, rule_set, person, enterprise = work[index % len(work)]
        basis = AccessBasis(
            requester="bench", purpose="instant_approval", application_id=uuid.uuid4(), item_code=code
        )
        began = time.perf_counter()
        fetched = await client.fetch_facts(rule_set, basis=basis, on=city.today, person=person,
                                           enterprise=enterprise, proposed_name=f"深圳市{index}科技有限公司")  # fmt: skip
        pulled = time.perf_counter()
        async with pool.acquire() as connection:
            await record_pulls(connection, basis, fetched.pulls)
        logged = time.perf_counter()
        decision = decide(rule_set, sample_form(rule_set, city.today), fetched.facts)
        done = time.perf_counter()
        latencies.append((done - due) * 1000)
        timeline.append((due, (done - due) * 1000))
        phases["queued"].append((began - due) * 1000)
        phases["pull"].append((pulled - began) * 1000)
        phases["log"].append((logged - pulled) * 1000)
        phases["decide"].append((done - logged) * 1000)
        outcomes[decision.outcome] += 1

    try:
        # Warm every connection (statement caches) and the platform's keep-alive pool, so the figures are the
        # steady state: the first seconds of a cold start otherwise cost seconds on this machine.
        for _ in range(3):
            await asyncio.gather(*(one(i, time.perf_counter()) for i in range(40)))
        latencies.clear()
        timeline.clear()
        outcomes.clear()
        for values in phases.values():
            values.clear()
        tasks = []
        started = time.perf_counter()
        total = int(rate * seconds)
        for index in range(total):
            due = started + index / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(index, due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
        async with pool.acquire() as connection:
            verified = await verify_log(connection, AuditKey(DEVELOPMENT_AUDIT_KEY))
    finally:
        await client.aclose()
        await pool.close()
    latencies.sort()
    buckets: dict[int, list[float]] = {}
    for due, latency in timeline:
        buckets.setdefault(int(due - started), []).append(latency)
    steady = sorted(latency for due, latency in timeline if due - started >= 10)
    return {
        "steady_after_10s_ms": {"p50": round(statistics.median(steady), 1), "p99": round(steady[int(len(steady) * 0.99)], 1)}
        if steady else None,
        "worst_per_second_ms": [round(max(values)) for _, values in sorted(buckets.items())],
        "decisions": len(latencies), "achieved_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": {"p50": round(statistics.median(latencies), 1), "p90": round(latencies[int(len(latencies) * 0.9)], 1),
                       "p99": round(latencies[int(len(latencies) * 0.99)], 1), "max": round(latencies[-1], 1)},
        "phase_p50_p99_ms": {name: (round(statistics.median(v), 1), round(sorted(v)[int(len(v) * 0.99)], 1))
                             for name, v in phases.items()},
        "outcomes": dict(outcomes), "chain_verified": verified.ok, "log_entries": verified.entries,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.instant_path", description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=40.0, help="decisions per second [40]")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the steady load [20]")
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    configure_logging("json", "warning")  # per-pull info events are not what is measured
    root = Path(tempfile.mkdtemp(prefix="ishenzhen-bench-instant-"))
    root.chmod(0o755)
    server = EmbeddedPostgres(root / "cluster")
    port = _free_port()
    platform = subprocess.Popen(
        [sys.executable, "-m", "ishenzhen_simulators.data_platform", "--port", str(port), "--seed", str(arguments.seed)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = server.start()

        async def prepare() -> None:
            connection = await asyncpg.connect(url)
            try:
                await apply_migrations(connection)
            finally:
                await connection.close()

        asyncio.run(prepare())
        deadline = time.perf_counter() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=0.5)
                break
            except httpx.HTTPError:
                if time.perf_counter() > deadline:
                    raise SystemExit("the data platform did not start") from None
                time.sleep(0.05)
        result = asyncio.run(_load(url, port, arguments.rate, arguments.seconds, arguments.seed))
        for key, value in result.items():
            print(f"{key}: {value}")
    finally:
        platform.terminate()
        platform.wait(timeout=10)
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
