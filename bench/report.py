"""The report: a markdown table for people, and the raw results as JSON for later comparison."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.measure import EndpointResult, LoadSettings, StartupResult
from bench.server import service_env

__all__ = ["COLD_TARGET_S", "WARM_TARGET_S", "MachineFacts", "machine_facts", "render_markdown", "write_json"]

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
    )


def _verdict(passed: bool | None) -> str:
    return {True: "PASS", False: "**FAIL**", None: "–"}[passed]


def render_markdown(
    facts: MachineFacts, load: LoadSettings, endpoints: list[EndpointResult], startup: StartupResult | None
) -> str:
    lines = [
        f"Benchmark of {facts.commit} on {facts.date}",
        f"{facts.nproc} CPUs (load average {facts.load_average} at start), {facts.python}, {facts.wrk}, "
        f"{facts.platform}",
        f"service code: {facts.service_source}",
        f"wrk -t1 -c{load.connections}, {load.rounds} rounds × {load.seconds:g} s per endpoint, "
        "each run right after a reference run",
        "",
    ]
    if endpoints:
        unpaired = [result for result in endpoints if result.endpoint.paired_with is None]
        all_reference = [run for result in unpaired or endpoints for run in result.reference_runs]
        first_pair = endpoints[0].endpoint.paired_with
        reference_path = "/bench/reference" if unpaired or first_pair is None else first_pair.path
        reference_rps = statistics.median(run.requests_per_second for run in all_reference)
        lines += [
            "| endpoint | req/s | p50 ms | p99 ms | ratio to reference | target | result |",
            "|---|---:|---:|---:|---:|---:|---|",
            f"| reference ({reference_path}) | {reference_rps:,.0f} "
            f"| {statistics.median(r.p50_ms for r in all_reference):.2f} "
            f"| {statistics.median(r.p99_ms for r in all_reference):.2f} | 1.00 | | |",
        ]
        for result in endpoints:
            target = result.endpoint.target_ratio
            verdict = _verdict(result.passed) + (f" ({result.errors} errors)" if result.errors else "")
            pair = result.endpoint.paired_with
            versus = (
                f", ratio to {pair.path} at {result.reference_requests_per_second:,.0f} req/s" if pair else ""
            )
            lines.append(
                f"| {result.endpoint.name} ({result.endpoint.path}{versus}) | {result.requests_per_second:,.0f} "
                f"| {result.p50_ms:.2f} | {result.p99_ms:.2f} | {result.ratio:.3f} "
                f"| {'≥ ' + format(target, '.2f') if target is not None else '–'} | {verdict} |"
            )
        lines += [
            "",
            "req/s, p50 and p99 are medians over rounds; the ratio is the endpoint's median req/s over the",
            "median req/s of the reference runs paired with it.",
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


def write_json(
    path: Path,
    facts: MachineFacts,
    load: LoadSettings,
    endpoints: list[EndpointResult],
    startup: StartupResult | None,
) -> None:
    document = {
        "machine": asdict(facts),
        "load": asdict(load),
        "endpoints": [
            {
                "name": result.endpoint.name,
                "path": result.endpoint.path,
                "target_ratio": result.endpoint.target_ratio,
                "requests_per_second": result.requests_per_second,
                "reference_requests_per_second": result.reference_requests_per_second,
                "ratio": result.ratio,
                "p50_ms": result.p50_ms,
                "p99_ms": result.p99_ms,
                "passed": result.passed,
                "runs": [asdict(run) for run in result.runs],
                "reference_runs": [asdict(run) for run in result.reference_runs],
            }
            for result in endpoints
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
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
