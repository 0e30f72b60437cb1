"""``python -m bench.locust_capacity``: the highest steady rate of the mixed journeys, then 70 % of it.

One stack (``ishenzhen serve`` with its simulators, as ``./dev locust`` starts it) takes the Locust suite in
stages of doubling users, each ``--stage-seconds`` long. The highest steady rate is the best requests/s of a
stage with no unexpected failure; the search stops at the first stage that fails, or that adds less than 5 %
to the rate (the service is saturated), or at ``--max-users``. A last run at 70 % of that rate (users scaled
from the first, unsaturated stage's requests per user) gives each journey's p95; it passes when it has no
unexpected failure and browsing's p95 stays under 50 ms. Exit code 0 when it passes, 1 when not, 2 when the
stack or Locust could not run. Think times are shortened (``--think-scale``, 0.1 by default) so that a few
hundred simulated users load one gateway worker as a few thousand would; one Locust process on its own core.

    .venv/bin/python -m bench.locust_capacity                       # about 6 minutes
    .venv/bin/python -m bench.locust_capacity --stage-seconds 60 --final-seconds 300
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.locust_run import (
    RESULTS,
    plan_cores,
    run_locust,
    running_stack,
    summary_markdown,
    working_folder,
)
from bench.locust_run import parse_arguments as locust_arguments
from bench.server import ServiceError

__all__ = [
    "BROWSING_JOURNEYS",
    "Capacity",
    "Stage",
    "browsing_p95_ms",
    "main",
    "parse_arguments",
    "render",
    "search",
    "steady_rate",
]

LOAD_SHARE = 0.70
BROWSING_P95_TARGET_MS = 50.0
SATURATION_GAIN = 0.05
# The anonymous app's journeys (locust/journeys/browsing.py) but the whole OpenAPI document, which is a
# developer's page and 1 MB, not a citizen's screen.
BROWSING_JOURNEYS = ("Launch", "CheckHealth", "OpenTheApp", "FindAService", "BrowseByTheme", "CheckAForm")


@dataclass(frozen=True, slots=True)
class Stage:
    users: int
    requests_per_s: float
    failures: int
    browsing_p95_ms: float | None

    @property
    def clean(self) -> bool:
        return self.failures == 0


@dataclass(slots=True)
class Capacity:
    think_scale: float
    stages: list[Stage] = field(default_factory=list)
    steady: Stage | None = None
    final_users: int = 0
    final: dict[str, Any] | None = None

    @property
    def final_browsing_p95_ms(self) -> float | None:
        return None if self.final is None else browsing_p95_ms(self.final)

    @property
    def passed(self) -> bool:
        p95 = self.final_browsing_p95_ms
        return (
            self.final is not None
            and self.final["failures"] == 0
            and p95 is not None
            and p95 < BROWSING_P95_TARGET_MS
        )


def browsing_p95_ms(summary: dict[str, Any]) -> float | None:
    """The worst p95 among the browsing journeys that ran: what a citizen opening the app waits for at worst."""
    values = [row["p95_ms"] for row in summary["journeys"] if row["journey"] in BROWSING_JOURNEYS]
    return float(max(values)) if values else None


def steady_rate(stages: Sequence[Stage]) -> tuple[Stage | None, bool]:
    """The stage with the highest clean rate, and whether the search should go on after the last stage."""
    clean = [stage for stage in stages if stage.clean]
    best = max(clean, key=lambda stage: stage.requests_per_s, default=None)
    if not stages or not stages[-1].clean:
        return best, False
    if len(stages) >= 2 and stages[-2].clean:
        gain = stages[-1].requests_per_s / stages[-2].requests_per_s - 1
        if gain < SATURATION_GAIN:
            return best, False
    return best, True


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.locust_capacity", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--start-users", type=int, default=25, help="users of the first stage [25]")
    parser.add_argument("--max-users", type=int, default=1600, help="users of the last stage at most [1600]")
    parser.add_argument("--stage-seconds", type=float, default=40.0, help="length of each stage [40]")
    parser.add_argument("--final-seconds", type=float, default=90.0, help="length of the run at 70 %% [90]")
    parser.add_argument("--think-scale", type=float, default=0.1, help="think times multiplied by this [0.1]")
    parser.add_argument("--workers", type=int, default=1, help="granian workers of the gateway [1]")
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="folder for the reports [bench/results]"
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures as JSON")
    return parser


def _progress(message: str) -> None:
    print(f"capacity: {message}", file=sys.stderr, flush=True)


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _stage_of(users: int, summary: dict[str, Any]) -> Stage:
    return Stage(users, float(summary["requests_per_s"]), int(summary["failures"]), browsing_p95_ms(summary))


def search(arguments: argparse.Namespace) -> Capacity:
    base = locust_arguments(
        [
            "--workers",
            str(arguments.workers),
            "--think-scale",
            f"{arguments.think_scale:g}",
            "--results",
            str(arguments.results),
        ]
    )
    layout = plan_cores(sorted(os.sched_getaffinity(0)), base.locust_processes)
    capacity = Capacity(think_scale=arguments.think_scale)
    workdir = working_folder()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    arguments.results.mkdir(parents=True, exist_ok=True)
    try:
        with running_stack(base, workdir, layout) as (service, simulators_port):

            def run(users: int, seconds: float, label: str) -> dict[str, Any]:
                # Users start within a few seconds, so the stage measures its load, not its ramp.
                spawn = {"users": users, "seconds": seconds, "spawn_rate": max(1.0, users / 4)}
                options = argparse.Namespace(**{**vars(base), **spawn})
                prefix = arguments.results / f"locust-{stamp}-{label}"
                output = Path(f"{prefix}.log")
                code, summary = run_locust(options, service, prefix, layout, simulators_port, output)
                if summary is None:
                    raise ServiceError(f"Locust exited with {code} and wrote no summary ({label})")
                return summary

            users = arguments.start_users
            while users <= arguments.max_users:
                stage = _stage_of(users, run(users, arguments.stage_seconds, f"stage-{users}"))
                capacity.stages.append(stage)
                _progress(
                    f"{users} users: {stage.requests_per_s:,.1f} req/s, {stage.failures} failed, "
                    f"browsing p95 {stage.browsing_p95_ms} ms"
                )
                capacity.steady, go_on = steady_rate(capacity.stages)
                if not go_on:
                    break
                users *= 2
            if capacity.steady is None:
                return capacity
            first = capacity.stages[0]
            per_user = first.requests_per_s / first.users
            capacity.final_users = max(1, round(LOAD_SHARE * capacity.steady.requests_per_s / per_user))
            _progress(
                f"highest steady rate {capacity.steady.requests_per_s:,.1f} req/s ({capacity.steady.users} users); "
                f"70 %: {capacity.final_users} users for {arguments.final_seconds:g} s"
            )
            capacity.final = run(capacity.final_users, arguments.final_seconds, "at-70")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return capacity


def render(capacity: Capacity) -> str:
    lines = [
        f"Capacity of the mixed journeys (bench/locust_capacity.py; think times × {capacity.think_scale:g})",
        "",
        "| users | req/s | failed | browsing p95 ms |",
        "|---:|---:|---:|---:|",
    ]
    for stage in capacity.stages:
        mark = " (highest steady)" if stage is capacity.steady else ""
        lines.append(
            f"| {stage.users}{mark} | {stage.requests_per_s:,.1f} | {stage.failures} | {stage.browsing_p95_ms} |"
        )
    if capacity.steady is None or capacity.final is None:
        return "\n".join([*lines, "", "No stage ran without failures: **FAIL**"])
    p95 = capacity.final_browsing_p95_ms
    verdict = "PASS" if capacity.passed else "**FAIL**"
    lines += [
        "",
        f"At 70 % ({capacity.final_users} users): {capacity.final['requests_per_s']} req/s, "
        f"{capacity.final['failures']} failed, browsing p95 {p95} ms (target < {BROWSING_P95_TARGET_MS:g} ms): "
        f"{verdict}",
        "",
        summary_markdown(capacity.final, capacity.final["run"]),
    ]
    return "\n".join(lines)


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    arguments = _parser().parse_args(argv)
    if not 1 <= arguments.start_users <= arguments.max_users <= 5000:
        raise SystemExit("capacity: 1 <= --start-users <= --max-users <= 5000")
    if not (5 <= arguments.stage_seconds <= 600 and 5 <= arguments.final_seconds <= 3600):
        raise SystemExit("capacity: --stage-seconds 5..600, --final-seconds 5..3600")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        capacity = search(arguments)
    except ServiceError as exc:
        print(f"capacity: {exc}", file=sys.stderr)
        return 2
    print(render(capacity))
    if arguments.json is not None:
        figures = asdict(capacity) | {"passed": capacity.passed}
        arguments.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if capacity.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
