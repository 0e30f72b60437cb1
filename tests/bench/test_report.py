"""The report's comparison with the previous run, and its sections per worker count."""

from __future__ import annotations

import json
from pathlib import Path

from bench.endpoints import Endpoint
from bench.measure import EndpointResult, LoadSettings
from bench.report import MachineFacts, WorkerRun, previous_bare_ratios, render_markdown, write_json
from bench.wrk import WrkResult

FACTS = MachineFacts(
    "2026-12-04 19:00 UTC", 2, "0.10", "CPython 3.11.7", "Linux", "wrk 4.1.0", "abc1234", "src"
)
LOAD = LoadSettings(seconds=1, rounds=1, connections=10, wrk="wrk")


def _result(name: str, rps: float, bare_rps: float) -> EndpointResult:
    def run(value: float) -> WrkResult:
        return WrkResult(requests_per_second=value, p50_ms=1.0, p99_ms=2.0, requests=int(value))

    return EndpointResult(Endpoint(name, f"/{name}"), [run(rps)], [run(rps * 2)], [run(bare_rps)])


def test_the_previous_run_s_figures_stand_beside_the_new_ones_per_worker_count(tmp_path: Path) -> None:
    earlier = tmp_path / "earlier.json"
    runs = [WorkerRun(1, [_result("search", 2000, 10000)]), WorkerRun(2, [_result("search", 5000, 20000)])]
    write_json(earlier, FACTS, LOAD, runs, None, {"soak": {"passed": True}})
    assert json.loads(earlier.read_text(encoding="utf-8"))["soak"] == {"passed": True}
    assert previous_bare_ratios(earlier) == {1: {"search": 0.2}, 2: {"search": 0.25}}

    now = [WorkerRun(1, [_result("search", 3000, 10000)]), WorkerRun(2, [_result("search", 4000, 20000)])]
    report = render_markdown(FACTS, LOAD, now, None, previous=previous_bare_ratios(earlier))
    one, two = report.split("### 2 granian workers")
    assert "### 1 granian worker " in one
    assert "| 0.300 | 0.200 (+50.0 %) |" in one
    assert "| 0.200 | 0.250 (-20.0 %) |" in two


def test_a_file_from_before_worker_counts_reads_as_one_worker(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"endpoints": [{"name": "search", "bare_ratio": 0.26}]}), encoding="utf-8")
    assert previous_bare_ratios(old) == {1: {"search": 0.26}}
    assert previous_bare_ratios(tmp_path / "missing.json") == {}


def test_without_a_previous_run_the_table_has_no_comparison_column() -> None:
    report = render_markdown(FACTS, LOAD, [WorkerRun(1, [_result("search", 3000, 10000)])], None)
    assert "previous" not in report.split("req/s, p50")[0]
