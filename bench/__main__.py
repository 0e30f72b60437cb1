"""``python -m bench``: start the service, measure start-up and endpoints against the reference, report.

The exit code is 0 even when a target is missed: this is a report, read by people; FAIL is printed loudly.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.endpoints import ENDPOINTS, Endpoint
from bench.measure import LoadSettings, measure_endpoints, measure_startup
from bench.report import machine_facts, render_markdown, write_json
from bench.report_doc import splice_generated
from bench.server import ServiceError, running_bare_reference, running_service
from bench.wrk import WrkError, require_wrk

WARM_STARTS = 3


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
    return parser


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
    if arguments.seconds < 1 or arguments.rounds < 1 or arguments.connections < 1:
        raise SystemExit("bench: --seconds, --rounds and --connections must be at least 1")
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

    # As root, PostgreSQL runs as `nobody`, which must be able to enter the folder: mkdtemp makes it 0700.
    workdir = Path(tempfile.mkdtemp(prefix="ishenzhen-bench-"))
    workdir.chmod(0o755)
    data_dir = workdir / "data"
    worker_rss: float | None = None
    try:
        startup = None if arguments.no_startup else measure_startup(data_dir, workdir, WARM_STARTS, _progress)
        with contextlib.ExitStack() as stack:
            # The access log's own cost is measured by running once with it off, against the bare reference.
            logging_env = {
                "ISHENZHEN_ACCESS_LOG": "1" if arguments.access_log == "on" else "0",
                "ISHENZHEN_LOG_FORMAT": arguments.log_format,
            }
            running = running_service(
                data_dir, workdir / "load.log", cpus=arguments.pin, extra_env=logging_env
            )
            service = stack.enter_context(running)
            bare_url = None
            if not arguments.no_bare:
                bare = running_bare_reference(workdir / "bare.log", cpus=arguments.pin)
                bare_url = stack.enter_context(bare).base_url
            names = ", ".join(endpoint.name for endpoint in endpoints)
            _progress(f"service ready at {service.base_url}, bare reference at {bare_url}; measuring {names}")
            results = measure_endpoints(service.base_url, endpoints, load, _progress, bare_url=bare_url)
            worker_rss = service.worker_rss_mib()
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
    report = render_markdown(facts, load, results, startup, log_setup)
    if worker_rss is not None:
        # Target: a worker with the catalogue loaded stays under 250 MB.
        report += (
            f"\n\nWorker resident size after the run (catalogue loaded, caches warm): {worker_rss:.0f} MiB"
        )
    print(report)
    if arguments.doc is not None:
        document = arguments.doc.read_text(encoding="utf-8") if arguments.doc.exists() else ""
        arguments.doc.write_text(splice_generated(document, report), encoding="utf-8")
        _progress(f"rewrote the generated section of {arguments.doc}")
    if arguments.json is not None:
        write_json(arguments.json, facts, load, results, startup)
        _progress(f"wrote {arguments.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
