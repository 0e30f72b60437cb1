"""What is measured: endpoints alternating with the reference, and start-up times.

Alternating in the same run is the point: on a shared machine the absolute figures drift by tens of percent
between minutes, but a target and the reference measured seconds apart drift together.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.endpoints import REFERENCE, Endpoint
from bench.server import running_service
from bench.wrk import WrkResult, rotation_script, run_wrk

__all__ = ["EndpointResult", "LoadSettings", "StartupResult", "measure_endpoints", "measure_startup"]

_WARMUP_S = 1.0


@dataclass(frozen=True, slots=True)
class LoadSettings:
    seconds: float
    rounds: int
    connections: int
    wrk: str


@dataclass(frozen=True, slots=True)
class EndpointResult:
    endpoint: Endpoint
    runs: list[WrkResult]
    # The reference runs paired with this endpoint's runs (run i of each came back to back): REFERENCE's,
    # or those of the endpoint's ``paired_with``.
    reference_runs: list[WrkResult]
    # The bare litestar hello in its own granian process (``bench.bare_app``), run right before each pair.
    bare_runs: list[WrkResult] = field(default_factory=list)

    @property
    def requests_per_second(self) -> float:
        return statistics.median(run.requests_per_second for run in self.runs)

    @property
    def reference_requests_per_second(self) -> float:
        return statistics.median(run.requests_per_second for run in self.reference_runs)

    @property
    def ratio(self) -> float:
        return self.requests_per_second / self.reference_requests_per_second

    @property
    def bare_requests_per_second(self) -> float | None:
        if not self.bare_runs:
            return None
        return statistics.median(run.requests_per_second for run in self.bare_runs)

    @property
    def bare_ratio(self) -> float | None:
        """The headline figure: requests/s over the bare litestar hello's, measured alternately."""
        bare = self.bare_requests_per_second
        return None if not bare else self.requests_per_second / bare

    @property
    def p50_ms(self) -> float:
        return statistics.median(run.p50_ms for run in self.runs)

    @property
    def p99_ms(self) -> float:
        return statistics.median(run.p99_ms for run in self.runs)

    @property
    def errors(self) -> int:
        return sum(run.errors for run in self.runs)

    @property
    def passed(self) -> bool | None:
        """None when the endpoint has no target; an endpoint answering errors never passes."""
        if self.endpoint.target_ratio is None:
            return None if self.errors == 0 else False
        return self.errors == 0 and self.ratio >= self.endpoint.target_ratio

    @property
    def bare_passed(self) -> bool | None:
        """Against the bare reference's target (``Endpoint.bare_target_ratio``), where one is set."""
        target, ratio = self.endpoint.bare_target_ratio, self.bare_ratio
        if target is None or ratio is None:
            return None
        return self.errors == 0 and ratio >= target


@dataclass(frozen=True, slots=True)
class StartupResult:
    cold_s: float
    warm_s: list[float] = field(default_factory=list)

    @property
    def warm_median_s(self) -> float:
        return statistics.median(self.warm_s)


def measure_startup(
    data_dir: Path, log_dir: Path, warm_starts: int, progress: Callable[[str], None]
) -> StartupResult:
    """One cold start on an empty data folder (initdb, migrations, granian), then warm starts on it."""
    with running_service(data_dir, log_dir / "start-cold.log") as service:
        cold = service.seconds_to_ready
    progress(f"cold start: {cold:.2f} s")
    warm: list[float] = []
    for index in range(1, warm_starts + 1):
        with running_service(data_dir, log_dir / f"start-warm-{index}.log") as service:
            warm.append(service.seconds_to_ready)
        progress(f"warm start {index}: {warm[-1]:.2f} s")
    return StartupResult(cold_s=cold, warm_s=warm)


def measure_endpoints(
    base_url: str,
    endpoints: Sequence[Endpoint],
    load: LoadSettings,
    progress: Callable[[str], None],
    bare_url: str | None = None,
) -> list[EndpointResult]:
    """Each endpoint alternately with its reference, and with the bare hello at ``bare_url`` when given."""
    scripts_dir = Path(tempfile.mkdtemp(prefix="ishenzhen-wrk-"))
    scripts = {
        endpoint.name: rotation_script(endpoint.rotating_paths(), scripts_dir)
        for endpoint in endpoints
        if endpoint.rotating_paths is not None
    }

    def run(endpoint: Endpoint, seconds: float, url: str = base_url) -> WrkResult:
        return run_wrk(
            url + endpoint.path,
            seconds=seconds,
            connections=load.connections,
            headers=endpoint.headers + (endpoint.prepare(base_url) if endpoint.prepare else ()),
            wrk=load.wrk,
            script=scripts.get(endpoint.name),
        )

    # Warm-up: first requests pay for lazy set-up (pool connections, route caches) that steady state does not.
    pairs = [e.paired_with for e in endpoints if e.paired_with is not None]
    for endpoint in (REFERENCE, *pairs, *endpoints):
        run(endpoint, _WARMUP_S)
    if bare_url is not None:
        run(REFERENCE, _WARMUP_S, bare_url)

    results = [EndpointResult(endpoint, runs=[], reference_runs=[]) for endpoint in endpoints]
    # Rounds outermost: each endpoint's pairs spread over the whole run, so a slow minute hits all of them.
    for round_number in range(1, load.rounds + 1):
        for result in results:
            if bare_url is not None:
                result.bare_runs.append(run(REFERENCE, load.seconds, bare_url))
            result.reference_runs.append(run(result.endpoint.paired_with or REFERENCE, load.seconds))
            result.runs.append(run(result.endpoint, load.seconds))
            bare = f", bare hello {result.bare_runs[-1].requests_per_second:,.0f}" if result.bare_runs else ""
            progress(
                f"round {round_number}/{load.rounds} {result.endpoint.name}: "
                f"{result.runs[-1].requests_per_second:,.0f} req/s vs in-app reference "
                f"{result.reference_runs[-1].requests_per_second:,.0f} req/s{bare}"
            )
    return results
