"""``python -m bench.passthrough``: a pass-through query through the gateway against a bare forwarder.

Starts ``ishenzhen serve`` (with its department simulators) and ``bench.forwarder`` (a bare litestar +
aiohttp forwarding handler, its own granian process) on the same simulator, then in alternating rounds drives
``GET /v1/departments/traffic-police/queries/vehicle-violations`` (no-store: every request reaches the
department) and the forwarder with ``wrk``. Then, at half the gateway's throughput, an open-loop generator
measures p99 latency through the gateway and straight to the department (signed by the generator): the
difference is what the gateway adds. Prints markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import httpx

from bench.endpoints import citizen_token
from bench.server import free_port, running_service
from bench.wrk import require_wrk, run_wrk
from ishenzhen.departments.directory import DepartmentDirectory
from ishenzhen.departments.signing import RequestSigner
from ishenzhen.lib.local_process import ProcessNotReady, output_tail, wait_until_healthy

DEPARTMENT = "traffic-police"
QUERY = "vehicle-violations"
PLATE = "%E7%B2%A4B12345"  # 粤B12345
_WINDOWS = 4


def _cpu_seconds(root: int, exclude: tuple[str, ...] = ("ishenzhen_simulators", "postgres")) -> float:
    """User + system CPU of ``root`` and its descendants (Linux /proc), leaving out the simulators and the
    database: CPU per request is the figure a loaded shared machine cannot distort."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        stats[int(entry.name)] = (command, (int(fields[11]) + int(fields[12])) / ticks)
    total, pending = 0.0, [root]
    while pending:
        pid = pending.pop()
        command, seconds = stats.get(pid, ("", 0.0))
        if any(word in command for word in exclude):
            continue
        total += seconds
        pending += children.get(pid, [])
    return total


def _wait(url: str, process: subprocess.Popen[bytes], output: Path, seconds: float = 30.0) -> None:
    try:
        wait_until_healthy(
            url, process, within=seconds, name="the forwarder", printed=lambda: output_tail(output)
        )
    except ProcessNotReady as exc:
        raise SystemExit(f"bench.passthrough: {exc}") from None


async def _open_loop(
    url: str, rate: float, seconds: float, headers: dict[str, str] | None, signer: RequestSigner | None
) -> tuple[list[float], int]:
    """Latencies (s) of requests sent at a fixed rate, whatever the answers' speed; and the failures."""
    latencies: list[float] = []
    failures = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256)) as session:

        async def one() -> None:
            nonlocal failures
            sent_headers = dict(headers or {})
            if signer is not None:  # signed before the clock starts: the department's own latency only
                request = httpx.Request(
                    "GET",
                    url,
                    headers={
                        "date": email.utils.formatdate(usegmt=True),
                        "ishenzhen-application-number": "-",
                        "ishenzhen-user": "bench",
                        "ishenzhen-party": "self",
                    },
                )
                signer.sign(request, b"")
                sent_headers = dict(request.headers)
            started = time.perf_counter()
            async with session.get(url, headers=sent_headers) as response:
                await response.read()
                if response.status != 200:
                    failures += 1
            latencies.append(time.perf_counter() - started)

        tasks = []
        interval = 1.0 / rate
        begin = time.perf_counter()
        for index in range(int(rate * seconds)):
            delay = begin + index * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
    return latencies, failures


def _percentiles(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    return ordered[len(ordered) // 2] * 1000, ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000


def _half_load(
    direct_url: str,
    gateway_url: str,
    rate: float,
    seconds: float,
    auth: dict[str, str],
    signer: RequestSigner,
) -> tuple[tuple[float, float, int], tuple[float, float, int]]:
    """Alternating windows, so a change in the machine's load hits both sides alike."""
    direct: list[float] = []
    through: list[float] = []
    failures = [0, 0]
    for _ in range(_WINDOWS):
        latencies, failed = asyncio.run(_open_loop(direct_url, rate, seconds / _WINDOWS, None, signer))
        direct += latencies
        failures[0] += failed
        latencies, failed = asyncio.run(_open_loop(gateway_url, rate, seconds / _WINDOWS, auth, None))
        through += latencies
        failures[1] += failed
    return (*_percentiles(direct), failures[0]), (*_percentiles(through), failures[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.passthrough", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each wrk run [5]")
    parser.add_argument("--rounds", type=int, default=3, help="forwarder/gateway pairs [3]")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections [32]")
    arguments = parser.parse_args(argv)
    wrk = require_wrk()
    folder = Path(tempfile.mkdtemp(prefix="ishenzhen-bench-passthrough-"))
    folder.chmod(0o755)  # the embedded PostgreSQL runs as nobody when we are root
    extra = {
        "ISHENZHEN_DEPARTMENTS_SIMULATORS": "1",
        "ISHENZHEN_DEPARTMENTS_SIMULATOR_PORT": "0",
        "ISHENZHEN_ACCESS_LOG": "1",
    }
    with running_service(
        folder / "data", folder / "service.log", ready_deadline_s=300, extra_env=extra
    ) as service:
        # serve names the directory after its own port, so checkouts sharing a data folder keep their own.
        gateway_port = urlsplit(service.base_url).port
        directory_file = folder / "data" / "departments" / f"departments-{gateway_port}.json"
        port = free_port()
        env = {
            **os.environ,
            "BENCH_FORWARD_DIRECTORY": str(directory_file),
            "BENCH_FORWARD_DEPARTMENT": DEPARTMENT,
        }
        # Its output in a file (a pipe nobody reads would block it), shown when it fails to start.
        forwarder_output = folder / "forwarder.log"
        forwarder_log = forwarder_output.open("wb")
        forwarder = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("granian")),
                "--interface",
                "asgi",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "--no-access-log",
                "bench.forwarder:create_forwarder",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=forwarder_log,
            stderr=subprocess.STDOUT,
        )
        try:
            forward_url = f"http://127.0.0.1:{port}/forward/{QUERY}?plate={PLATE}"
            _wait(forward_url, forwarder, forwarder_output)
            gateway_url = f"{service.base_url}/v1/departments/{DEPARTMENT}/queries/{QUERY}?plate={PLATE}"
            auth = ("Authorization", f"Bearer {citizen_token(service.base_url)}")
            for url, headers in ((forward_url, ()), (gateway_url, (auth,))):
                run_wrk(url, seconds=1, connections=arguments.connections, headers=headers, wrk=wrk)
            forwarded, gated = [], []
            cpu = {"forwarder": 0.0, "gateway": 0.0}
            for round_number in range(arguments.rounds):
                before = _cpu_seconds(forwarder.pid)
                forwarded.append(
                    run_wrk(
                        forward_url, seconds=arguments.seconds, connections=arguments.connections, wrk=wrk
                    )
                )
                cpu["forwarder"] += _cpu_seconds(forwarder.pid) - before
                before = _cpu_seconds(service.pid)
                gated.append(
                    run_wrk(
                        gateway_url,
                        seconds=arguments.seconds,
                        connections=arguments.connections,
                        headers=(auth,),
                        wrk=wrk,
                    )
                )
                cpu["gateway"] += _cpu_seconds(service.pid) - before
                print(
                    f"round {round_number + 1}: forwarder {forwarded[-1].requests_per_second:,.0f}/s, "
                    f"gateway {gated[-1].requests_per_second:,.0f}/s",
                    file=sys.stderr,
                )
            gateway_rate = statistics.median(r.requests_per_second for r in gated)
            forward_rate = statistics.median(r.requests_per_second for r in forwarded)
            directory = DepartmentDirectory.from_file(directory_file, allowed_origins=["http://127.0.0.1"])
            entry = directory.get(DEPARTMENT)
            key = directory.signing_key(DEPARTMENT)
            assert entry is not None and entry.base_url and entry.signing_key_id and key is not None
            signer = RequestSigner(entry.signing_key_id, key)
            # Half of the slowest round: on a shared machine the median may already be more than it can do.
            half = min(r.requests_per_second for r in gated) / 2
            direct_url = f"{entry.base_url}/queries/{QUERY}?plate={PLATE}"
            direct, through = _half_load(
                direct_url, gateway_url, half, 2 * arguments.seconds, dict([auth]), signer
            )
            errors = sum(r.errors for r in forwarded + gated)
        finally:
            forwarder.terminate()
            forwarder.wait(timeout=10)
            forwarder_log.close()
    ratio = gateway_rate / forward_rate
    cpu_ms = {
        "forwarder": cpu["forwarder"] * 1000 / sum(r.requests for r in forwarded),
        "gateway": cpu["gateway"] * 1000 / sum(r.requests for r in gated),
    }
    print(
        f"| pass-through query ({arguments.rounds} × {arguments.seconds:g} s, wrk -c{arguments.connections}) "
        "| requests/s (median) | p50 ms | p99 ms |"
    )
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| bare litestar + aiohttp forwarder | {forward_rate:,.0f} | {forwarded[-1].p50_ms:.2f} | {forwarded[-1].p99_ms:.2f} |"
    )
    print(
        f"| gateway `GET /v1/departments/{{dept}}/queries/{{name}}` | {gateway_rate:,.0f} | {gated[-1].p50_ms:.2f} | {gated[-1].p99_ms:.2f} |"
    )
    verdict = "PASS" if ratio >= 0.8 else "FAIL"
    print(f"\nratio gateway / forwarder: **{ratio:.2f}** (target ≥ 0.8: {verdict}); wrk errors: {errors}")
    print(
        f"\nCPU per request (serving processes, simulators and database left out): forwarder "
        f"{cpu_ms['forwarder']:.2f} ms, gateway {cpu_ms['gateway']:.2f} ms; ratio of CPU "
        f"**{cpu_ms['forwarder'] / cpu_ms['gateway']:.2f}**"
    )
    added = through[1] - direct[1]
    print(
        f"\nat half load ({half:,.0f}/s, open loop, {_WINDOWS} alternating windows each way, {2 * arguments.seconds:g} s in all): department direct p50 {direct[0]:.2f} ms "
        f"p99 {direct[1]:.2f} ms; through the gateway p50 {through[0]:.2f} ms p99 {through[1]:.2f} ms; "
        f"**p99 added {added:.2f} ms** (target < 5 ms: {'PASS' if added < 5 else 'FAIL'}); "
        f"failures {direct[2]} / {through[2]}"
    )
    load = os.getloadavg()
    print(f"\n{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
