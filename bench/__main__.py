"""``python -m bench``: start the service, measure start-up and endpoints against the reference, report.

The performance report is one command (``./dev bench --report``): every endpoint family with 1 and 2 granian
workers next to the bare reference of as many workers, start-up times, worker memory, the Locust journeys, a
soak, and the previous run's figures beside the new ones; written into docs/benchmarks.md's generated section
and docs/benchmarks.json (the next run's "previous").

The exit code is 0 even when a target is missed: this is a report, read by people; FAIL is printed loudly.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.endpoints import ENDPOINTS, Endpoint
from bench.locust_capacity import parse_arguments as parse_capacity_arguments
from bench.locust_capacity import render as render_capacity
from bench.locust_capacity import search as capacity_search
from bench.measure import LoadSettings, measure_endpoints, measure_startup
from bench.report import WorkerRun, machine_facts, previous_bare_ratios, render_markdown, write_json
from bench.report_doc import splice_generated
from bench.server import ServiceError, running_bare_reference, running_service
from bench.soak import render_soak, run_soak
from bench.wrk import WrkError, require_wrk

WARM_STARTS = 3
ROOT = Path(__file__).resolve().parents[1]
REPORT_DOC = ROOT / "docs" / "benchmarks.md"
REPORT_JSON = ROOT / "docs" / "benchmarks.json"
# What --report runs besides the endpoints: a soak long enough to mean something, short enough that the whole
# report (with the Locust capacity search, about 6 minutes) takes about half an hour on two cores.
REPORT_SOAK_S = 600.0


def _parser() -> argparse.ArgumentParser:
    names = ", ".join(endpoint.name for endpoint in ENDPOINTS)
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Start the service; measure start-up, and each endpoint against the reference handler.",
    )
    # Defaults fit a 2-core shared machine: the whole run takes about two minutes.
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each wrk run [5]")
    parser.add_argument("--rounds", type=int, default=5, help="reference/endpoint pairs per endpoint [5]")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections [50]")
    parser.add_argument("--only", nargs="+", metavar="NAME", help=f"endpoints to measure (of {names})")
    parser.add_argument("--no-startup", action="store_true", help="skip the cold and warm start-ups")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the raw results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder and service logs")
    parser.add_argument(
        "--no-bare", action="store_true", help="skip the bare litestar reference (own granian process)"
    )
    parser.add_argument(
        "--access-log", choices=("on", "off"), default="on", help="the service's access log [on]"
    )
    parser.add_argument(
        "--log-format", choices=("json", "console"), default="json", help="the service's log format [json]"
    )
    parser.add_argument(
        "--doc",
        type=Path,
        metavar="MD",
        help="also rewrite the marked generated section of this markdown file",
    )
    parser.add_argument(
        "--pin", metavar="CPUS", help="run the service and the bare reference on these CPUs (taskset list)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1],
        metavar="N",
        help="granian worker counts to measure, each against a bare reference with as many [1]",
    )
    parser.add_argument(
        "--previous", type=Path, metavar="JSON", help="a former --json file: its figures beside the new ones"
    )
    parser.add_argument("--soak", type=float, metavar="SECONDS", help="also run the soak (bench/soak.py)")
    parser.add_argument(
        "--capacity",
        action="store_true",
        help="also find the Locust journeys' highest steady rate and run them at 70 %% of it (bench/locust_capacity.py)",
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help=f"the performance report: --workers 1 2 --soak {REPORT_SOAK_S:g} --capacity, "
        "compared with and written to docs/benchmarks.json and docs/benchmarks.md",
    )
    return parser


def _apply_report_defaults(arguments: argparse.Namespace) -> None:
    if not arguments.report:
        return
    if arguments.workers == [1]:
        arguments.workers = [1, 2]
    arguments.soak = REPORT_SOAK_S if arguments.soak is None else arguments.soak
    arguments.capacity = True
    arguments.doc = arguments.doc or REPORT_DOC
    arguments.json = arguments.json or REPORT_JSON
    if arguments.previous is None and arguments.json.exists():
        arguments.previous = arguments.json


def _soak_section(workdir: Path, wrk: str, seconds: float) -> tuple[str, dict[str, Any]]:
    warmup = min(60.0, max(5.0, seconds / 10))
    with running_service(workdir / "soak-data", workdir / "soak.log", ready_deadline_s=120) as service:
        _progress(f"soak: service ready at {service.base_url}; {seconds:g} s after a {warmup:g} s warm-up")
        result = run_soak(service, wrk, seconds, warmup, min(30.0, seconds), _progress)
    figures = asdict(result) | {"passed": result.passed, "rss_growth": result.rss_growth}
    return render_soak(result), figures


def _capacity_section(results: Path) -> tuple[str, dict[str, Any]]:
    """The mixed journeys' highest steady rate and the journeys at 70 % of it (``bench.locust_capacity``), on a
    stack of its own with one worker; Locust's own reports under ``results``."""
    arguments = parse_capacity_arguments(["--results", str(results)])
    _progress(f"capacity of the Locust journeys; Locust's reports and logs in {results}")
    capacity = capacity_search(arguments)
    return render_capacity(capacity), {"capacity": asdict(capacity) | {"passed": capacity.passed}}


def _progress(message: str) -> None:
    # Progress on stderr, the report on stdout: `python -m bench > report.md` keeps just the report.
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _selected(only: Sequence[str] | None) -> list[Endpoint]:
    if not only:
        return list(ENDPOINTS)
    known = {endpoint.name: endpoint for endpoint in ENDPOINTS}
    unknown = [name for name in only if name not in known]
    if unknown:
        raise SystemExit(f"bench: unknown endpoint(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[name] for name in only]


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    _apply_report_defaults(arguments)
    if arguments.seconds < 1 or arguments.rounds < 1 or arguments.connections < 1:
        raise SystemExit("bench: --seconds, --rounds and --connections must be at least 1")
    if not all(1 <= workers <= 16 for workers in arguments.workers):
        raise SystemExit("bench: --workers between 1 and 16")
    endpoints = _selected(arguments.only)
    try:
        wrk = require_wrk()
    except WrkError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    load = LoadSettings(
        seconds=arguments.seconds, rounds=arguments.rounds, connections=arguments.connections, wrk=wrk
    )
    facts = machine_facts(wrk)
    previous = None if arguments.previous is None else previous_bare_ratios(arguments.previous)

    # As root, PostgreSQL runs as `nobody`, which must be able to enter the folder: mkdtemp makes it 0700.
    workdir = Path(tempfile.mkdtemp(prefix="ishenzhen-bench-"))
    workdir.chmod(0o755)
    data_dir = workdir / "data"
    runs: list[WorkerRun] = []
    sections: list[str] = []
    extra: dict[str, Any] = {}
    try:
        startup = None if arguments.no_startup else measure_startup(data_dir, workdir, WARM_STARTS, _progress)
        for workers in arguments.workers:
            runs.append(_measure_with_workers(arguments, endpoints, load, data_dir, workdir, workers))
        if arguments.soak:
            section, extra["soak"] = _soak_section(workdir, wrk, arguments.soak)
            sections.append(section)
        if arguments.capacity:
            section, figures = _capacity_section(ROOT / "bench" / "results" / facts.date[:10])
            sections.append(section)
            extra |= figures
    except (ServiceError, WrkError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    finally:
        if arguments.keep:
            _progress(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    log_setup = f"access log {arguments.access_log}, " + (
        "production (JSON) format" if arguments.log_format == "json" else "development (console) format"
    )
    report = render_markdown(facts, load, runs, startup, log_setup, previous)
    report = "\n\n".join([report.rstrip("\n"), *sections])
    print(report)
    if arguments.doc is not None:
        document = arguments.doc.read_text(encoding="utf-8") if arguments.doc.exists() else ""
        arguments.doc.write_text(splice_generated(document, report), encoding="utf-8")
        _progress(f"rewrote the generated section of {arguments.doc}")
    if arguments.json is not None:
        write_json(arguments.json, facts, load, runs, startup, extra)
        _progress(f"wrote {arguments.json}")
    return 0


def _measure_with_workers(
    arguments: argparse.Namespace,
    endpoints: list[Endpoint],
    load: LoadSettings,
    data_dir: Path,
    workdir: Path,
    workers: int,
) -> WorkerRun:
    with contextlib.ExitStack() as stack:
        # The access log's own cost is measured by running once with it off, against the bare reference.
        service_env = {
            "ISHENZHEN_ACCESS_LOG": "1" if arguments.access_log == "on" else "0",
            "ISHENZHEN_LOG_FORMAT": arguments.log_format,
            "ISHENZHEN_WORKERS": str(workers),
        }
        running = running_service(
            data_dir, workdir / f"load-{workers}.log", cpus=arguments.pin, extra_env=service_env
        )
        service = stack.enter_context(running)
        bare_url = None
        if not arguments.no_bare:
            bare = running_bare_reference(
                workdir / f"bare-{workers}.log", cpus=arguments.pin, workers=workers
            )
            bare_url = stack.enter_context(bare).base_url
        names = ", ".join(endpoint.name for endpoint in endpoints)
        _progress(
            f"{workers} worker(s): service ready at {service.base_url}, bare reference at {bare_url}; "
            f"measuring {names}"
        )
        results = measure_endpoints(service.base_url, endpoints, load, _progress, bare_url=bare_url)
        return WorkerRun(workers, results, service.worker_rss_mib(), service.worker_private_mib())


if __name__ == "__main__":
    raise SystemExit(main())
