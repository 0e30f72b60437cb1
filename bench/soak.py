"""``python -m bench.soak``: a steady browsing load at 70 % of the highest mixed rate; does memory stay flat?

The service runs as an operator runs it (``ishenzhen serve``, one granian worker, production log format). First
wrk drives the browsing mix (home, lists, item details, guides, searches: cached and not) closed loop for a few
seconds: that is the highest steady mixed rate. Then an open, paced load at 70 % of it runs for ``--seconds``,
in segments, sampling the worker's resident memory between them. It passes when no request failed and the
resident size at the end is within 10 % of the size after the warm-up. Exit code 0 when it passes, 1 when
not, 2 when the service or wrk could not run.

    .venv/bin/python -m bench.soak --seconds 600          # the long soak of the performance report
    .venv/bin/python -m bench.soak --seconds 20 --warmup 10   # the short one the test suite runs
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.endpoints import uncached_searches
from bench.relevance import QUERIES, load_queries
from bench.server import RunningService, ServiceError, running_service
from bench.wrk import WrkError, WrkResult, require_wrk, run_wrk

__all__ = ["SoakResult", "browsing_mix", "main", "paced_script", "render_soak", "run_soak"]

LOAD_SHARE = 0.70
RSS_GROWTH_LIMIT = 0.10
CONNECTIONS = 32
# Many paced connections, so wrk's whole-millisecond delay is a fine step (200 connections at 5k req/s: 40 ms).
PACED_CONNECTIONS = 200
PEAK_SECONDS = 5.0
CALIBRATION_SECONDS = 3.0
_MIX_SIZE = 6000
_DISTRICTS = ("440303", "440304", "440305", "440306", "440307", "440308", "440309", "440310", "440311")


def _item_codes(limit: int = 400) -> list[str]:
    from ishenzhen.catalog.source.validator import load_catalog

    return sorted(item.code for item in load_catalog().items)[:limit]


def browsing_mix(seed: int = 20261204) -> tuple[str, ...]:
    """A day's browsing, as shares of requests: home 20 %, lists 15 %, item details 20 %, guides 10 %,
    searches from the relevance set 25 % (cached after their first hit) and distinct uncached searches 10 %.
    Deterministic, so two runs send the same requests."""
    rng = random.Random(seed)
    codes = _item_codes()
    relevance = [query.q for query in load_queries(QUERIES)]
    uncached = list(uncached_searches())
    rng.shuffle(uncached)
    kinds: list[tuple[float, Callable[[], str]]] = [
        (0.10, lambda: "/v1/app/home"),
        (0.10, lambda: f"/v1/app/home?district={rng.choice(_DISTRICTS)}"),
        (0.15, lambda: f"/v1/catalog/items?limit=20&offset={20 * rng.randrange(50)}"),
        (0.20, lambda: f"/v1/catalog/items/{rng.choice(codes)}"),
        (0.10, lambda: f"/v1/app/items/{rng.choice(codes)}/guide"),
        (0.25, lambda: f"/v1/catalog/search?q={quote(rng.choice(relevance))}"),
        (0.10, uncached.pop),
    ]
    weights = [share for share, _ in kinds]
    return tuple(rng.choices(kinds, weights)[0][1]() for _ in range(_MIX_SIZE))


def paced_script(paths: Sequence[str], folder: Path, delay_ms: int | None) -> Path:
    """A wrk Lua script sending ``paths`` in turn; with ``delay_ms``, each connection waits that long before
    its next request (wrk's ``delay`` hook), which turns wrk's closed loop into a paced load."""
    quoted = ",\n".join(json.dumps(path) for path in paths)  # JSON strings are valid Lua string literals here
    pacing = f"delay = function()\n  return {delay_ms}\nend\n" if delay_ms is not None else ""
    script = folder / f"mix-{delay_ms}.lua"
    script.write_text(
        f"local paths = {{\n{quoted}\n}}\nlocal i = 0\n"
        'request = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n' + pacing,
        encoding="utf-8",
    )
    return script


@dataclass(slots=True)
class SoakResult:
    peak_requests_per_second: float
    target_requests_per_second: float
    seconds: float
    warmup_seconds: float
    segments: list[WrkResult] = field(default_factory=list)
    rss_after_warmup_mib: float = math.nan
    rss_samples_mib: list[float] = field(default_factory=list)

    @property
    def requests_per_second(self) -> float:
        return statistics.fmean(segment.requests_per_second for segment in self.segments)

    @property
    def errors(self) -> int:
        return sum(segment.errors for segment in self.segments)

    @property
    def rss_at_end_mib(self) -> float:
        return self.rss_samples_mib[-1] if self.rss_samples_mib else math.nan

    @property
    def rss_growth(self) -> float:
        return self.rss_at_end_mib / self.rss_after_warmup_mib - 1

    @property
    def passed(self) -> bool:
        return self.errors == 0 and self.rss_growth <= RSS_GROWTH_LIMIT


def _rss(service: RunningService) -> float:
    rss = service.worker_rss_mib()
    if rss is None:
        raise ServiceError("no granian worker process found under the service")
    return rss


def run_soak(
    service: RunningService,
    wrk: str,
    seconds: float,
    warmup_seconds: float,
    segment_seconds: float,
    progress: Callable[[str], None],
) -> SoakResult:
    folder = Path(tempfile.mkdtemp(prefix="ishenzhen-soak-"))
    try:
        paths = browsing_mix()
        url = service.base_url + paths[0]

        def paced(delay_ms: int | None, length: float) -> WrkResult:
            script = paced_script(paths, folder, delay_ms)
            connections = CONNECTIONS if delay_ms is None else PACED_CONNECTIONS
            return run_wrk(url, seconds=length, connections=connections, wrk=wrk, script=script)

        paced(None, 1.0)  # lazy set-up (pool connections, route caches) is not the steady state
        peak = paced(None, PEAK_SECONDS).requests_per_second
        target = LOAD_SHARE * peak
        # Each connection sends one request per (delay + response time): a calibration run at the delay that
        # ignores response time tells how long a response takes at this load, and the delay is cut by that.
        period_ms = PACED_CONNECTIONS * 1000 / target
        first = max(1, round(period_ms))
        sent = paced(first, CALIBRATION_SECONDS).requests_per_second
        response_ms = max(0.0, PACED_CONNECTIONS * 1000 / sent - first)
        delay = max(1, round(period_ms - response_ms))
        progress(
            f"highest mixed rate {peak:,.0f} req/s; pacing at {target:,.0f} req/s ({delay} ms per connection)"
        )
        result = SoakResult(peak, target, seconds, warmup_seconds)
        paced(delay, warmup_seconds)
        result.rss_after_warmup_mib = _rss(service)
        progress(f"warmed up for {warmup_seconds:g} s: worker resident {result.rss_after_warmup_mib:.1f} MiB")
        remaining = seconds
        while remaining > 0:
            length = min(segment_seconds, remaining)
            result.segments.append(paced(delay, length))
            result.rss_samples_mib.append(_rss(service))
            remaining -= length
            progress(
                f"soak {seconds - remaining:g}/{seconds:g} s: {result.segments[-1].requests_per_second:,.0f} "
                f"req/s, {result.segments[-1].errors} errors, worker resident {result.rss_samples_mib[-1]:.1f} MiB"
            )
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def render_soak(result: SoakResult) -> str:
    verdict = "PASS" if result.passed else "**FAIL**"
    p99 = max(segment.p99_ms for segment in result.segments)
    p50 = statistics.median(segment.p50_ms for segment in result.segments)
    samples = ", ".join(f"{value:.0f}" for value in result.rss_samples_mib)
    return "\n".join(
        [
            f"Soak: {result.seconds:g} s after a {result.warmup_seconds:g} s warm-up, one granian worker, the "
            "browsing mix (bench/soak.py)",
            "",
            "| | value | target | result |",
            "|---|---:|---:|---|",
            f"| highest steady mixed rate (closed loop, {CONNECTIONS} connections) "
            f"| {result.peak_requests_per_second:,.0f} req/s | | |",
            f"| paced load (70 % of it, {PACED_CONNECTIONS} connections) | {result.requests_per_second:,.0f} req/s "
            f"| {result.target_requests_per_second:,.0f} req/s | |",
            f"| latency p50 / worst segment's p99 | {p50:.2f} / {p99:.2f} ms | | |",
            f"| failed requests | {result.errors} | 0 | {'PASS' if result.errors == 0 else '**FAIL**'} |",
            f"| worker resident after warm-up → at end | {result.rss_after_warmup_mib:.1f} → "
            f"{result.rss_at_end_mib:.1f} MiB ({result.rss_growth:+.1%}) | ≤ +{RSS_GROWTH_LIMIT:.0%} | {verdict} |",
            "",
            f"Worker resident size after each segment (MiB): {samples}.",
        ]
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="length of the paced load [600]")
    parser.add_argument(
        "--warmup", type=float, default=60.0, help="paced warm-up before the first sample [60]"
    )
    parser.add_argument("--segment", type=float, default=30.0, help="seconds between memory samples [30]")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures as JSON")
    return parser


def _progress(message: str) -> None:
    print(f"soak: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if not (1 <= arguments.seconds <= 7200 and 1 <= arguments.warmup <= 3600 and 1 <= arguments.segment):
        raise SystemExit("soak: --seconds 1..7200, --warmup 1..3600, --segment at least 1")
    try:
        wrk = require_wrk()
    except WrkError as exc:
        print(f"soak: {exc}", file=sys.stderr)
        return 2
    # As root, PostgreSQL runs as `nobody`, which must be able to enter the folder: mkdtemp makes it 0700.
    workdir = Path(tempfile.mkdtemp(prefix="ishenzhen-soak-"))
    workdir.chmod(0o755)
    try:
        with running_service(workdir / "data", workdir / "service.log", ready_deadline_s=120) as service:
            _progress(f"service ready at {service.base_url} in {service.seconds_to_ready:.1f} s")
            result = run_soak(service, wrk, arguments.seconds, arguments.warmup, arguments.segment, _progress)
    except (ServiceError, WrkError) as exc:
        print(f"soak: {exc}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(render_soak(result))
    if arguments.json is not None:
        figures = asdict(result) | {"passed": result.passed, "rss_growth": result.rss_growth}
        arguments.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if result.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
