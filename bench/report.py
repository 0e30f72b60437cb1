"""The report: a markdown table for people, and the raw results as JSON for later comparison."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.measure import EndpointResult, LoadSettings, StartupResult
from bench.report_doc import delta_percent
from bench.server import service_env

__all__ = [
    "COLD_TARGET_S",
    "WARM_TARGET_S",
    "MachineFacts",
    "WorkerRun",
    "machine_facts",
    "previous_bare_ratios",
    "render_markdown",
    "write_json",
]

# Targets: cold first start to ready under 10 s, warm start under 3 s.
COLD_TARGET_S = 10.0
WARM_TARGET_S = 3.0
_REPOSITORY = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class MachineFacts:
    date: str
    nproc: int
    load_average: str
    python: str
    platform: str
    wrk: str
    commit: str
    # The package the service imports: PYTHONPATH may point the service at another tree than the checkout.
    service_source: str
    memory_gib: float = 0.0
    # The versions that decide the figures: the framework, the server, the encoder, the driver, the loop.
    versions: str = ""


@dataclass(frozen=True, slots=True)
class WorkerRun:
    """The endpoints measured with the service (and the bare reference) on ``workers`` granian workers."""

    workers: int
    endpoints: list[EndpointResult]
    worker_rss_mib: float | None = None
    worker_private_mib: float | None = None


_VERSIONED = ("litestar", "granian", "msgspec", "asyncpg", "uvloop", "structlog")


def _memory_gib() -> float:
    try:
        meminfo = Path("/proc/meminfo").read_text(encoding="ascii")
    except OSError:
        return 0.0
    kib = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:")), 0)
    return kib / 1024 / 1024


def _versions() -> str:
    found = []
    for name in _VERSIONED:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def _output(command: list[str], env: dict[str, str] | None = None) -> str | None:
    """A helper command's output, or None when it is missing or fails: facts are nice to have."""
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=10, check=False, cwd=_REPOSITORY, env=env
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (completed.stdout + completed.stderr).strip() if completed.returncode in (0, 1) else None


def machine_facts(wrk: str) -> MachineFacts:
    # The CPUs this process may use, as nproc counts them (a container may see fewer than the host has).
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    commit = _output(["git", "rev-parse", "--short", "HEAD"]) or "unknown commit"
    if _output(["git", "status", "--porcelain", "--untracked-files=no"]):
        commit += " + local changes"
    wrk_version = (_output([wrk, "-v"]) or "wrk").splitlines()[0].split(" [")[0]
    probe = [sys.executable, "-c", "import ishenzhen, os; print(os.path.dirname(ishenzhen.__file__))"]
    source = _output(probe, env=service_env()) or "unknown"
    return MachineFacts(
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        nproc=cpus,
        # Load before we start: a busy neighbour lowers absolute figures, which is why we report ratios.
        load_average=" ".join(f"{value:.2f}" for value in load),
        python=f"{platform.python_implementation()} {sys.version.split()[0]}",
        platform=platform.platform(),
        wrk=wrk_version,
        commit=commit,
        service_source=source,
        memory_gib=_memory_gib(),
        versions=_versions(),
    )


def _verdict(passed: bool | None) -> str:
    return {True: "PASS", False: "**FAIL**", None: "–"}[passed]


def _endpoint_table(endpoints: list[EndpointResult], previous: Mapping[str, float] | None) -> list[str]:
    unpaired = [result for result in endpoints if result.endpoint.paired_with is None]
    all_reference = [run for result in unpaired or endpoints for run in result.reference_runs]
    first_pair = endpoints[0].endpoint.paired_with
    reference_path = "/bench/reference" if unpaired or first_pair is None else first_pair.path
    reference_rps = statistics.median(run.requests_per_second for run in all_reference)
    bare_runs = [run for result in endpoints for run in result.bare_runs]
    compared = previous is not None
    lines = [
        "| endpoint | req/s | p50 ms | p99 ms | × bare hello | "
        + ("previous × bare (change) | " if compared else "")
        + "× in-app reference | target | result |",
        "|---|---:|---:|---:|---:|" + ("---:|" if compared else "") + "---:|---:|---|",
    ]
    blank = "| " if compared else ""
    if bare_runs:
        bare_rps = statistics.median(run.requests_per_second for run in bare_runs)
        lines.append(
            f"| bare litestar hello (own granian process) | {bare_rps:,.0f} "
            f"| {statistics.median(r.p50_ms for r in bare_runs):.2f} "
            f"| {statistics.median(r.p99_ms for r in bare_runs):.2f} | 1.00 {blank}"
            f"| {bare_rps / reference_rps:.3f} | | |"
        )
    lines.append(
        f"| in-app reference ({reference_path}) | {reference_rps:,.0f} "
        f"| {statistics.median(r.p50_ms for r in all_reference):.2f} "
        f"| {statistics.median(r.p99_ms for r in all_reference):.2f} "
        f"| {reference_rps / bare_rps if bare_runs else float('nan'):.3f} {blank}| 1.00 | | |"
    )
    for result in endpoints:
        verdict = _verdict(result.passed) + (f" ({result.errors} errors)" if result.errors else "")
        targets = []
        if result.endpoint.bare_target_ratio is not None:
            targets.append(f"≥ {result.endpoint.bare_target_ratio:.2f}× bare")
            verdict = f"{_verdict(result.bare_passed)} bare / {verdict} in-app"
        if result.endpoint.target_ratio is not None:
            targets.append(f"≥ {result.endpoint.target_ratio:.2f}× in-app")
        pair = result.endpoint.paired_with
        versus = (
            f", in-app ratio to {pair.path} at {result.reference_requests_per_second:,.0f} req/s"
            if pair
            else ""
        )
        bare_ratio = "–" if result.bare_ratio is None else f"{result.bare_ratio:.3f}"
        before = ""
        if previous is not None:
            earlier = previous.get(result.endpoint.name)
            change = "n/a" if result.bare_ratio is None else delta_percent(earlier, result.bare_ratio)
            before = f"| {'–' if earlier is None else f'{earlier:.3f}'} ({change}) "
        lines.append(
            f"| {result.endpoint.name} ({result.endpoint.path}{versus}) | {result.requests_per_second:,.0f} "
            f"| {result.p50_ms:.2f} | {result.p99_ms:.2f} | {bare_ratio} {before}| {result.ratio:.3f} "
            f"| {', '.join(targets) or '–'} | {verdict} |"
        )
    return lines


def render_markdown(
    facts: MachineFacts,
    load: LoadSettings,
    runs: Sequence[WorkerRun],
    startup: StartupResult | None,
    log_setup: str = "access log on, production (JSON) format",
    previous: Mapping[int, Mapping[str, float]] | None = None,
) -> str:
    """``previous``: a former run's × bare figures by worker count and endpoint, shown beside the new ones."""
    lines = [
        f"Benchmark of {facts.commit} on {facts.date}",
        f"{facts.nproc} CPUs, {facts.memory_gib:.1f} GiB memory (load average {facts.load_average} at start), "
        f"{facts.python}, {facts.wrk}, {facts.platform}",
        f"versions: {facts.versions}" if facts.versions else "",
        f"service code: {facts.service_source}",
        f"wrk -t1 -c{load.connections}, {load.rounds} rounds × {load.seconds:g} s per endpoint, "
        "each run right after a reference run",
        "",
    ]
    for run in runs:
        if not run.endpoints:
            continue
        plural = "s" if run.workers > 1 else ""
        lines += [f"### {run.workers} granian worker{plural} (service and bare reference alike)", ""]
        lines += _endpoint_table(run.endpoints, None if previous is None else previous.get(run.workers, {}))
        if run.worker_rss_mib is not None:
            # Target: a worker with the catalogue loaded stays under 250 MB of its own.
            own = (
                ""
                if run.worker_private_mib is None
                else f", of which {run.worker_private_mib:.0f} MiB its own"
            )
            lines += [
                "",
                f"Largest worker after the run (catalogue loaded, caches warm): {run.worker_rss_mib:.0f} MiB "
                f"resident{own} (the rest shared with the process granian forked it from)",
            ]
        lines.append("")
    if any(run.endpoints for run in runs):
        lines += [
            "req/s, p50 and p99 are medians over rounds. × bare hello: the endpoint's median req/s over that",
            "of the bare litestar app (bench/bare_app.py, its own granian process, same worker/loop/pinning",
            "settings) run just before each pair; × in-app reference: over the project's own /bench/reference",
            "(which pays the project's middleware and access log) run just before each endpoint run.",
            *(
                [
                    "previous × bare: the same figure in the run the comparison file holds (docs/benchmarks.json)."
                ]
                if previous is not None
                else []
            ),
            f"Service logging: {log_setup}.",
            "",
        ]
    if startup is not None:
        cold_ok = startup.cold_s < COLD_TARGET_S
        warm_ok = startup.warm_median_s < WARM_TARGET_S
        warm_each = ", ".join(f"{seconds:.2f}" for seconds in startup.warm_s)
        lines += [
            "| start-up to /health/ready = 200 | seconds | target | result |",
            "|---|---:|---:|---|",
            f"| cold (empty data folder: initdb, migrations, granian) | {startup.cold_s:.2f} "
            f"| < {COLD_TARGET_S:g} | {_verdict(cold_ok)} |",
            f"| warm, median of {len(startup.warm_s)} ({warm_each}) | {startup.warm_median_s:.2f} "
            f"| < {WARM_TARGET_S:g} | {_verdict(warm_ok)} |",
            "",
        ]
    return "\n".join(lines)


def _endpoint_json(result: EndpointResult) -> dict[str, Any]:
    return {
        "name": result.endpoint.name,
        "path": result.endpoint.path,
        "target_ratio": result.endpoint.target_ratio,
        "requests_per_second": result.requests_per_second,
        "reference_requests_per_second": result.reference_requests_per_second,
        "ratio": result.ratio,
        "bare_requests_per_second": result.bare_requests_per_second,
        "bare_ratio": result.bare_ratio,
        "bare_target_ratio": result.endpoint.bare_target_ratio,
        "bare_runs": [asdict(run) for run in result.bare_runs],
        "p50_ms": result.p50_ms,
        "p99_ms": result.p99_ms,
        "passed": result.passed,
        "runs": [asdict(run) for run in result.runs],
        "reference_runs": [asdict(run) for run in result.reference_runs],
    }


def write_json(
    path: Path,
    facts: MachineFacts,
    load: LoadSettings,
    runs: Sequence[WorkerRun],
    startup: StartupResult | None,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """``extra``: further sections of the run (the soak's figures, the Locust summary), kept as given."""
    document = {
        "machine": asdict(facts),
        "load": asdict(load),
        "runs": [
            {
                "workers": run.workers,
                "worker_rss_mib": run.worker_rss_mib,
                "worker_private_mib": run.worker_private_mib,
                "endpoints": [_endpoint_json(result) for result in run.endpoints],
            }
            for run in runs
        ],
        "startup": None
        if startup is None
        else {
            "cold_s": startup.cold_s,
            "warm_s": startup.warm_s,
            "warm_median_s": startup.warm_median_s,
            "cold_target_s": COLD_TARGET_S,
            "warm_target_s": WARM_TARGET_S,
        },
        **(extra or {}),
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def previous_bare_ratios(path: Path) -> dict[int, dict[str, float]]:
    """A former ``--json`` file's × bare figures by worker count and endpoint; empty when there is none.

    Files written before runs had several worker counts hold one list of endpoints: those ran on one worker."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    runs = document.get("runs") or [{"workers": 1, "endpoints": document.get("endpoints", [])}]
    return {
        int(run["workers"]): {
            endpoint["name"]: float(endpoint["bare_ratio"])
            for endpoint in run["endpoints"]
            if endpoint.get("bare_ratio") is not None
        }
        for run in runs
    }
