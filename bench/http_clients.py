"""``python -m bench.http_clients``: which transport the department client runs on, measured.

Starts the generic department simulator as its own process, then, in rounds so load on a shared machine
spreads over every candidate, keeps 64 requests in flight for ``--seconds`` with each candidate:

- ``GET /_health`` (transport cost alone): stock ``httpx.AsyncClient``, httpx on ``httpx-aiohttp``'s transport,
  and bare ``aiohttp``;
- ``deliver`` (what the gateway really does: an RFC 9421-signed submission, the department's signed answer
  verified) through ``DepartmentClient`` on each transport it supports.

Prints a markdown table (median requests/s over the rounds, p50/p99 latency of the last round).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx
import msgspec
from httpx_aiohttp import AiohttpTransport

from ishenzhen.departments import DepartmentClient, DepartmentDirectory, OutboundRequest
from ishenzhen.departments.fleet import SimulatorFleet
from ishenzhen.logging import configure_logging

CONCURRENCY = 64
DEPARTMENT = ("education", "深圳市教育局")
_numbers = itertools.count(1)


async def _drive(call: Callable[[], Awaitable[None]], seconds: float) -> tuple[int, list[float]]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return len(latencies), latencies


def _submission() -> OutboundRequest:
    number = f"SZBENCH{os.getpid()}{next(_numbers):09d}"
    body = msgspec.json.encode(
        {
            "number": number,
            "item_code": "000000000000440300",
            "department": DEPARTMENT[0],
            "spec_version": "1.0",
            "submitted_at": "2026-12-03T10:00:00Z",
            "applicant": {"subject": "bench", "level": "L2"},
            "acting_party": {"kind": "self", "credit_code": None},
            "form": {},
            "materials": [],
        }
    )
    return OutboundRequest(
        department=DEPARTMENT[0],
        method="POST",
        path="/applications",
        body=body,
        application_number=number,
        acting_user="bench",
        acting_party="self",
    )


async def _candidates(
    fleet: SimulatorFleet,
) -> dict[str, tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]]:
    root = fleet.process_urls()[0]
    health = f"{root}/_health"
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    stock = httpx.AsyncClient(limits=limits, trust_env=False)
    on_aiohttp = httpx.AsyncClient(
        transport=AiohttpTransport(limits=limits, trust_env=False), trust_env=False
    )
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY))
    directory = DepartmentDirectory.from_file(fleet.directory_file, allowed_origins=["http://127.0.0.1"])
    clients = {kind: DepartmentClient(directory, transport=kind) for kind in ("httpx", "aiohttp")}  # type: ignore[arg-type]

    async def get_stock() -> None:
        (await stock.get(health)).raise_for_status()

    async def get_on_aiohttp() -> None:
        (await on_aiohttp.get(health)).raise_for_status()

    async def get_aiohttp() -> None:
        async with session.get(health) as response:
            await response.read()
            response.raise_for_status()

    def deliver_with(client: DepartmentClient) -> Callable[[], Awaitable[None]]:
        async def deliver() -> None:
            result = await client.deliver(_submission())
            if result.outcome != "delivered":
                raise RuntimeError(result.detail)

        return deliver

    async def close() -> None:
        await stock.aclose()
        await on_aiohttp.aclose()
        await session.close()
        for client in clients.values():
            await client.aclose()

    return {
        "GET: httpx, stock pool": (get_stock, close),
        "GET: httpx on httpx-aiohttp": (get_on_aiohttp, close),
        "GET: aiohttp": (get_aiohttp, close),
        "deliver: DepartmentClient, httpx stock": (deliver_with(clients["httpx"]), close),
        "deliver: DepartmentClient, httpx-aiohttp": (deliver_with(clients["aiohttp"]), close),
    }


async def _run(fleet: SimulatorFleet, seconds: float, rounds: int) -> list[tuple[str, float, float, float]]:
    candidates = await _candidates(fleet)
    async with httpx.AsyncClient(trust_env=False) as control:
        await control.put(fleet.control_url(DEPARTMENT[0]), json={"callbacks": False})
    rates: dict[str, list[float]] = {name: [] for name in candidates}
    last: dict[str, list[float]] = {}
    for call, _ in candidates.values():  # warm-up: connections open, code paths hot
        await _drive(call, 0.5)
    for round_number in range(rounds):
        for name, (call, _) in candidates.items():
            count, latencies = await _drive(call, seconds)
            rates[name].append(count / seconds)
            last[name] = latencies
            print(f"round {round_number + 1} {name}: {count / seconds:,.0f}/s", file=sys.stderr)
    await next(iter(candidates.values()))[1]()
    rows = []
    for name in candidates:
        ordered = sorted(last[name])
        p50 = ordered[len(ordered) // 2] * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        rows.append((name, statistics.median(rates[name]), p50, p99))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_clients", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each run [3]")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every candidate [3]")
    arguments = parser.parse_args(argv)
    configure_logging("json", "warning")  # one event per delivery would measure the terminal
    folder = Path(tempfile.mkdtemp(prefix="ishenzhen-bench-clients-"))
    fleet = SimulatorFleet(folder=folder, departments=[DEPARTMENT], gateway_url="http://127.0.0.1:9")
    fleet.start()
    try:
        rows = asyncio.run(_run(fleet, arguments.seconds, arguments.rounds))
    finally:
        fleet.stop()
    print(
        f"| {CONCURRENCY} in flight, {arguments.rounds} × {arguments.seconds:g} s | requests/s (median) "
        "| p50 ms | p99 ms |"
    )
    print("| --- | ---: | ---: | ---: |")
    for name, rate, p50, p99 in rows:
        print(f"| {name} | {rate:,.0f} | {p50:.1f} | {p99:.1f} |")
    load = os.getloadavg()
    print(
        f"\n{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, Python {sys.version.split()[0]}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
