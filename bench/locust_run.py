"""``python -m bench.locust_run`` (``./dev locust``): the Locust suite against a stack it starts itself.

The stack is the real one, as an operator runs it: ``ishenzhen serve`` with ``--workers`` granian workers on
a free 127.0.0.1 port, its embedded PostgreSQL in a temporary data folder, and whatever ``serve`` starts
besides (the department simulators, once that branch has landed). Locust then runs headless for
``--seconds`` with ``--users`` users over ``--locust-processes`` processes and writes its CSV and HTML
reports and the journeys' verdict under ``bench/results/``. The exit code is Locust's: 0 when every request
behaved and every journey kept its p95 budget (locust/journeys/budgets.py), 1 when not, 2 when the stack or
Locust could not run. ``--ui`` serves Locust's web UI on 127.0.0.1 instead, until Ctrl-C.

With two cores or more the gateway (and its database) and Locust are pinned to different cores with
``taskset``, so neither steals the other's CPU and the figures say what each side had; the summary reports
the layout and the CPU time each side used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.server import RunningService, ServiceError, running_service

__all__ = [
    "CpuLayout",
    "main",
    "parse_arguments",
    "plan_cores",
    "run_locust",
    "running_stack",
    "summary_markdown",
    "working_folder",
]

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = ROOT / "locust" / "locustfile.py"
RESULTS = ROOT / "bench" / "results"
# The provider allows 30 sign-ins a minute per address; every Locust process shares 127.0.0.1.
SIGN_INS_PER_MINUTE = 24
_TICKS = os.sysconf("SC_CLK_TCK")
# `serve` starts the department simulators on consecutive ports from ISHENZHEN_DEPARTMENTS_SIMULATOR_PORT (one
# per simulator process); the default block is often taken on a shared machine, so each run takes a free one.
SIMULATOR_PORTS = 16


@dataclass(frozen=True, slots=True)
class CpuLayout:
    gateway: tuple[int, ...]  # the cores the gateway, its workers and its database may use
    locust: tuple[int, ...]  # the cores the Locust processes may use (the same ones when not pinned)
    pinned: bool

    def describe(self) -> str:
        if not self.pinned:
            return f"not pinned: gateway and Locust share cores {_cores(self.gateway)}"
        return f"gateway + database on cores {_cores(self.gateway)}, Locust on cores {_cores(self.locust)}"


def _cores(cores: Sequence[int]) -> str:
    return ",".join(str(core) for core in cores)


def plan_cores(available: Sequence[int], locust_processes: int) -> CpuLayout:
    """Locust gets one core per process, but never more than half; the gateway the rest. One core: shared."""
    cores = tuple(sorted(available))
    if len(cores) < 2 or shutil.which("taskset") is None:
        return CpuLayout(cores, cores, pinned=False)
    for_locust = max(1, min(locust_processes, len(cores) // 2))
    return CpuLayout(cores[:-for_locust], cores[-for_locust:], pinned=True)


def free_port_block(count: int, attempts: int = 50) -> int:
    """The first of ``count`` consecutive loopback ports that are free now (racy like ``free_port``)."""
    for _ in range(attempts):
        first = random.randrange(20_000, 60_000 - count)
        probes: list[socket.socket] = []
        try:
            for port in range(first, first + count):
                probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                probes.append(probe)
                probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise ServiceError(f"no {count} consecutive free loopback ports found")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="./dev locust", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long Locust runs, headless [60]")
    parser.add_argument("--users", type=int, default=30, help="simulated users [30]")
    parser.add_argument("--spawn-rate", type=float, help="users started per second [users / 10, at least 1]")
    parser.add_argument("--workers", type=int, default=1, help="granian workers of the gateway [1]")
    parser.add_argument("--locust-processes", type=int, default=1, help="Locust processes [1]")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="one user of each kind, each walking every journey once first (what the test suite runs)",
    )
    parser.add_argument(
        "--think-scale",
        type=float,
        default=1.0,
        help="multiply the users' think times by this (0.1: ten times the load per user) [1]",
    )
    parser.add_argument("--web-port", type=int, default=8089, help="the web UI's port on 127.0.0.1 [8089]")
    parser.add_argument(
        "--ui", action="store_true", help="Locust's web UI on 127.0.0.1 (--web-port) instead, until Ctrl-C"
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="folder for the reports [bench/results]"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary data folder and the service log"
    )
    return parser


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """``./dev locust``'s arguments, checked; other runners (the capacity search) start from them too."""
    arguments = _parser().parse_args(argv)
    _check(arguments)
    return arguments


def _check(arguments: argparse.Namespace) -> None:
    if not 0.01 <= arguments.think_scale <= 10:
        raise SystemExit("./dev locust: --think-scale between 0.01 and 10")
    if not 1 <= arguments.seconds <= 3600:
        raise SystemExit(
            "./dev locust: --seconds between 1 and 3600 (a soak longer than an hour is not this tool)"
        )
    if not 1 <= arguments.users <= 2000:
        raise SystemExit("./dev locust: --users between 1 and 2000")
    if not 1 <= arguments.workers <= 64 or not 1 <= arguments.locust_processes <= 16:
        raise SystemExit("./dev locust: --workers between 1 and 64, --locust-processes between 1 and 16")


def _tree_cpu_seconds(root: int) -> float:
    """User + system CPU of a process and all its descendants so far (granian's workers, PostgreSQL)."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        # utime, stime, cutime, cstime (fields 14-17 of stat; 12-15 after the command name)
        times[pid] = sum(int(value) for value in fields[11:15]) / _TICKS
    pending, total = [root], 0.0
    while pending:
        pid = pending.pop()
        total += times.get(pid, 0.0)
        pending.extend(children.get(pid, []))
    return total


def locust_command(
    arguments: argparse.Namespace, base_url: str, prefix: Path, layout: CpuLayout, simulators_port: int
) -> list[str]:
    script = Path(sys.executable).with_name("locust")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "locust"]
    if layout.pinned:
        launcher = ["taskset", "-c", _cores(layout.locust), *launcher]
    spawn_rate = arguments.spawn_rate or max(1.0, arguments.users / 10)
    command = [
        *launcher,
        "-f",
        str(LOCUSTFILE),
        "--host",
        base_url,
        "--users",
        str(arguments.users),
        "--spawn-rate",
        str(spawn_rate),
        "--csv",
        str(prefix),
        "--html",
        f"{prefix}.html",
        "--summary-file",
        f"{prefix}_journeys.json",
        "--stop-timeout",
        "15",
        # The market-regulation bureau's case system (journeys/casework.py) takes over from its simulator.
        "--simulators-port",
        str(simulators_port),
        # Every process signs in from 127.0.0.1: they share the provider's per-address allowance.
        "--sign-ins-per-minute",
        str(max(1, SIGN_INS_PER_MINUTE // arguments.locust_processes)),
    ]
    if arguments.smoke:
        command.append("--every-journey")
    if arguments.think_scale != 1.0:
        command += ["--think-scale", f"{arguments.think_scale:g}"]
    if arguments.locust_processes > 1:
        command += ["--processes", str(arguments.locust_processes)]
    if arguments.ui:
        return [*command, "--web-host", "127.0.0.1", "--web-port", str(arguments.web_port)]
    return [*command, "--headless", "--run-time", f"{arguments.seconds:g}s", "--only-summary"]


def summary_markdown(summary: dict[str, Any], facts: dict[str, Any]) -> str:
    """The run's figures as the report prints them: who drove what on which cores, then one row per journey."""
    lines = [
        f"Locust, {facts['started']} UTC: {facts['users']} users for {facts['seconds']:g} s, "
        f"{facts['locust_processes']} Locust process(es), {facts['workers']} granian worker(s)",
        f"CPU: {facts['layout']}; used {facts['gateway_cpu_s']:.1f} s gateway + database, "
        f"{facts['locust_cpu_s']:.1f} s Locust, in {facts['wall_s']:.1f} s",
        f"{summary['requests']} requests ({summary['requests_per_s']}/s), {summary['failures']} failed",
        "",
        "| journey | requests | failures | p50 ms | p95 ms | p99 ms | budget p95 ms | |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in summary["journeys"]:
        verdict = "ok" if row["within_budget"] else "**over budget**"
        if not summary["budgets_judged"] and not row["within_budget"]:
            verdict = "over budget (smoke run: not judged)"
        lines.append(
            f"| {row['journey']} | {row['requests']} | {row['failures']} | {row['p50_ms']} | {row['p95_ms']} "
            f"| {row['p99_ms']} | {row['budget_p95_ms']} | {verdict} |"
        )
    lines.append("")
    if summary.get("sign_ins_deferred"):
        lines.append(
            f"- {summary['sign_ins_deferred']} sign-ins deferred (one address's allowance): those users browsed on"
        )
    for skipped in summary["skipped"]:
        lines.append(
            f"- skipped {skipped['journey']}: the server does not offer {', '.join(skipped['missing'])}"
        )
    for error in summary["errors"]:
        lines.append(
            f"- failed {error['occurrences']}x {error['method']} {error['name']}: {error['error'][:300]}"
        )
    lines.append("\n" + ("PASSED" if summary["passed"] else "FAILED"))
    return "\n".join(lines)


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def running_stack(
    arguments: argparse.Namespace, workdir: Path, layout: CpuLayout
) -> Iterator[tuple[RunningService, int]]:
    """The whole stack on the gateway's cores: ``ishenzhen serve`` with ``arguments.workers`` workers, its
    embedded database, the department simulators and the data-sharing platform's; and the simulators' first
    port."""
    simulators_port = free_port_block(SIMULATOR_PORTS)
    everything = os.sched_getaffinity(0)
    with ExitStack() as stack:
        # The service and everything it starts inherit this process's cores; Locust gets its own later.
        os.sched_setaffinity(0, layout.gateway)
        try:
            running = running_service(
                workdir / "data",
                workdir / "service.log",
                ready_deadline_s=180,
                extra_env={
                    "ISHENZHEN_WORKERS": str(arguments.workers),
                    "ISHENZHEN_LOG_LEVEL": "warning",
                    "ISHENZHEN_DEPARTMENTS_SIMULATORS": "1",
                    "ISHENZHEN_DEPARTMENTS_SIMULATOR_PORT": str(simulators_port),
                },
            )
            service = stack.enter_context(running)
        finally:
            os.sched_setaffinity(0, everything)
        print(
            f"locust run: stack ready at {service.base_url} in {service.seconds_to_ready:.1f} s; "
            f"{layout.describe()}",
            file=sys.stderr,
            flush=True,
        )
        yield service, simulators_port


def run_locust(
    arguments: argparse.Namespace,
    service: RunningService,
    prefix: Path,
    layout: CpuLayout,
    simulators_port: int,
    output: Path | None = None,
) -> tuple[int, dict[str, Any] | None]:
    """One Locust run against ``service``: its exit code, and its summary with the run's facts (CPU used on each
    side, wall time, worker size) under ``"run"``, or None when Locust wrote none. ``output``: a file for
    Locust's own console output (else it shares ours)."""
    facts: dict[str, Any] = {
        "started": prefix.name.removeprefix("locust-"),
        "users": arguments.users,
        "seconds": arguments.seconds,
        "workers": arguments.workers,
        "locust_processes": arguments.locust_processes,
        "layout": layout.describe(),
        "gateway_cores": list(layout.gateway),
        "locust_cores": list(layout.locust),
    }
    gateway_before = _tree_cpu_seconds(service.pid)
    started = time.perf_counter()
    before = os.times()
    command = locust_command(arguments, service.base_url, prefix, layout, simulators_port)
    with ExitStack() as files:
        log = None if output is None else files.enter_context(output.open("ab"))
        locust = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)
        try:
            code = locust.wait()
        except KeyboardInterrupt:
            # Ctrl-C (how the UI is stopped) or SIGTERM: Locust is asked to stop with SIGTERM, on which it
            # ends the run and writes its reports (killing it would lose them); then the stack stops.
            locust.terminate()
            code = locust.wait(timeout=60)
    after = os.times()
    facts["wall_s"] = time.perf_counter() - started
    facts["locust_cpu_s"] = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    facts["gateway_cpu_s"] = _tree_cpu_seconds(service.pid) - gateway_before
    facts["worker_rss_mib"] = service.worker_rss_mib()
    summary_path = Path(f"{prefix}_journeys.json")
    if not summary_path.exists():
        return code, None
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary["run"] = facts
    summary_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return code, summary


def working_folder() -> Path:
    # As root, PostgreSQL runs as `nobody`, which must be able to enter the folder: mkdtemp makes it 0700.
    workdir = Path(tempfile.mkdtemp(prefix="ishenzhen-locust-"))
    workdir.chmod(0o755)
    return workdir


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    # A SIGTERM (a CI timeout, `kill`) ends the run as Ctrl-C does: reports written, the stack stopped.
    signal.signal(signal.SIGTERM, _interrupt)
    layout = plan_cores(sorted(os.sched_getaffinity(0)), arguments.locust_processes)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    arguments.results.mkdir(parents=True, exist_ok=True)
    prefix = arguments.results / f"locust-{stamp}"
    workdir = working_folder()
    try:
        with running_stack(arguments, workdir, layout) as (service, simulators_port):
            code, summary = run_locust(arguments, service, prefix, layout, simulators_port)
    except ServiceError as exc:
        print(f"locust run: {exc}", file=sys.stderr)
        return 2
    finally:
        if arguments.keep:
            print(f"locust run: kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if summary is None:
        print(f"locust run: Locust exited with {code} and wrote no summary", file=sys.stderr)
        return code or 2
    print("\n" + summary_markdown(summary, summary["run"]))
    print(f"\nreports: {prefix}_stats.csv, {prefix}.html, {prefix}_journeys.json", file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
