"""Per-journey latency, the budget check, and the run summary (a table in the log and a JSON file).

Locust keeps its statistics per request name; a journey's requests span several names, so each request is
also counted under the journey it belongs to (its request event's context) in a second ``RequestStats``. In a
run with several Locust processes the workers send theirs with their regular report and the master merges
them exactly as Locust merges its own (response times are kept as rounded-millisecond histograms).

The verdict: a run passes when no request failed (a check that a journey expects a 4xx marks that response a
success, so what is left is unexpected) and every journey that ran kept its p95 within its budget.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from locust.env import Environment
from locust.runners import WorkerRunner
from locust.stats import RequestStats, StatsEntry

from journeys import signin
from journeys.budgets import BUDGETS_MS, UNBUDGETED_MS
from journeys.common import DOCUMENT_PATH, Journey, offered

__all__ = ["install", "journey_stats", "summarise"]

log = logging.getLogger("ishenzhen.locust")
journey_stats = RequestStats(use_response_times_cache=False)
_KIND = "JOURNEY"  # the method column of the journey entries


def _on_request(
    response_time: float,
    response_length: int | None,
    exception: Any,
    context: dict[str, Any] | None,
    **_: Any,
) -> None:
    journey = (context or {}).get("journey", "Unlabelled")
    journey_stats.log_request(_KIND, journey, int(response_time), response_length or 0)
    if exception is not None:
        journey_stats.log_error(_KIND, journey, exception)


_deferred_sign_ins = 0  # merged from the workers on the master


def _on_report_to_master(client_id: str, data: dict[str, Any]) -> None:
    data["journeys"] = journey_stats.serialize_stats()  # each entry is reset as it is serialised
    data["sign_ins_deferred"] = signin.pace.take_deferred()
    journey_stats.errors = {}


def _on_worker_report(client_id: str, data: dict[str, Any]) -> None:
    global _deferred_sign_ins  # one counter per process, as Locust keeps its own statistics
    _deferred_sign_ins += int(data.get("sign_ins_deferred", 0))
    for serialised in data.get("journeys", []):
        entry = StatsEntry.unserialize(serialised, journey_stats)
        journey_stats.get(entry.name, entry.method).extend(entry)


def _journey_classes(environment: Environment) -> list[type[Journey]]:
    found: dict[str, type[Journey]] = {}
    for user_class in environment.user_classes:
        for task in getattr(user_class, "tasks", []):
            if isinstance(task, type) and issubclass(task, Journey):
                found.setdefault(task.label(), task)
    return list(found.values())


def _skipped(environment: Environment, base_url: str) -> list[dict[str, Any]]:
    out = []
    for journey in _journey_classes(environment):
        missing = offered.missing(base_url, journey.requires)
        if missing:
            out.append(
                {
                    "journey": journey.label(),
                    "missing": [f"{method} {path}" for method, path in missing],
                }
            )
    return out


def summarise(environment: Environment, *, base_url: str, judge_budgets: bool = True) -> dict[str, Any]:
    """The run's verdict and figures, from the merged statistics (master or single process).

    A smoke run (``--every-journey``) is judged on failures only: a few users for under a minute on a shared
    machine measure the neighbours as much as the service, so its latencies are reported, not judged.
    """
    journeys = []
    budgets_missed = []
    for (name, _kind), entry in sorted(journey_stats.entries.items()):
        if entry.num_requests == 0:
            continue
        budget = BUDGETS_MS.get(name, UNBUDGETED_MS)
        p95 = entry.get_response_time_percentile(0.95)
        row = {
            "journey": name,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.50),
            "p95_ms": p95,
            "p99_ms": entry.get_response_time_percentile(0.99),
            "max_ms": round(entry.max_response_time or 0),
            "budget_p95_ms": budget,
            "within_budget": p95 <= budget,
        }
        journeys.append(row)
        if p95 > budget:
            budgets_missed.append(name)
    total = environment.stats.total
    errors = [
        {"method": e.method, "name": e.name, "error": str(e.error), "occurrences": e.occurrences}
        for e in environment.stats.errors.values()
    ]
    ran = {row["journey"] for row in journeys}
    skipped = _skipped(environment, base_url)
    labels = [journey.label() for journey in _journey_classes(environment)]
    return {
        "passed": total.num_failures == 0 and not (judge_budgets and budgets_missed),
        "budgets_judged": judge_budgets,
        "requests": total.num_requests,
        "failures": total.num_failures,
        "requests_per_s": round(total.total_rps, 1),
        "budgets_missed": budgets_missed,
        "journeys": journeys,
        "journeys_without_requests": sorted(set(labels) - ran - {entry["journey"] for entry in skipped}),
        "skipped": skipped,
        # Sign-ins a user gave up waiting for (the shared per-address allowance): it browsed on instead.
        "sign_ins_deferred": _deferred_sign_ins + signin.pace.take_deferred(),
        "document_error": offered.error,
        "errors": errors,
    }


def _log_summary(summary: dict[str, Any]) -> None:
    lines = [f"{'journey':<22} {'requests':>8} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'budget':>6}"]
    for row in summary["journeys"]:
        mark = "" if row["within_budget"] else "  OVER BUDGET"
        lines.append(
            f"{row['journey']:<22} {row['requests']:>8} {row['failures']:>5} {row['p50_ms']:>6} "
            f"{row['p95_ms']:>6} {row['p99_ms']:>6} {row['budget_p95_ms']:>6}{mark}"
        )
    for skipped in summary["skipped"]:
        lines.append(
            f"skipped {skipped['journey']}: the server does not offer {', '.join(skipped['missing'])}"
        )
    if summary["sign_ins_deferred"]:
        lines.append(
            f"{summary['sign_ins_deferred']} sign-ins deferred: the users browsed on (see signin.py)"
        )
    if summary["document_error"]:
        lines.append(f"could not read {DOCUMENT_PATH}: {summary['document_error']}")
    verdict = "PASSED" if summary["passed"] else "FAILED"
    lines.append(
        f"{verdict}: {summary['requests']} requests, {summary['failures']} failed, "
        f"budgets missed: {', '.join(summary['budgets_missed']) or 'none'}"
        + ("" if summary["budgets_judged"] else " (a smoke run: budgets reported, not judged)")
    )
    log.info("journeys:\n%s", "\n".join(lines))


def install(events: Any) -> None:
    """Count requests per journey in every process; merge, judge and write the summary where the run ends."""
    events.request.add_listener(_on_request)
    events.report_to_master.add_listener(_on_report_to_master)
    events.worker_report.add_listener(_on_worker_report)

    @events.quitting.add_listener
    def _judge(environment: Environment, **_kwargs: Any) -> None:
        if isinstance(environment.runner, WorkerRunner):
            return
        options = environment.parsed_options
        smoke = bool(getattr(options, "every_journey", False))
        summary = summarise(
            environment, base_url=environment.host or "http://127.0.0.1:8000", judge_budgets=not smoke
        )
        _log_summary(summary)
        path = getattr(options, "summary_file", None) if options is not None else None
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if not summary["passed"]:
            environment.process_exit_code = 1
