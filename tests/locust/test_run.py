"""The Locust suite, run for real and briefly: ``./dev locust --smoke`` against a stack of its own.

One user of each kind (a citizen per demo account, so each assurance level) walks every journey the server
offers once (then picks by weight until the time is up), so a journey that breaks, that expects of one level
what only another gets, or that no longer makes a single request, fails here rather than in QA's long run.
The whole test (the stack's start, 25 s of load, the stop) stays well under 90 s.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bench.locust_run import CpuLayout, plan_cores

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_smoke_run_passes_writes_its_reports_and_walks_every_journey(tmp_path: Path) -> None:
    started = time.monotonic()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.locust_run",
            "--smoke",
            "--users",
            # One of each kind, three citizens (one per demo account: L1, L2, L3).
            "8",
            "--seconds",
            "25",
            "--results",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert time.monotonic() - started < 90

    [summary_file] = tmp_path.glob("locust-*_journeys.json")
    prefix = str(summary_file).removesuffix("_journeys.json")
    for suffix in ("_stats.csv", "_stats_history.csv", "_failures.csv", "_exceptions.csv", ".html"):
        assert Path(prefix + suffix).stat().st_size > 0, suffix
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    assert summary["passed"] and summary["failures"] == 0
    assert summary["journeys_without_requests"] == []
    ran = {row["journey"] for row in summary["journeys"]}
    skipped = {entry["journey"] for entry in summary["skipped"]}
    # What every server of this project offers, whatever else has landed.
    always = {
        "Launch",
        "OpenTheApp",
        "FindAService",
        "BrowseByTheme",
        "CheckAForm",
        "CheckHealth",
        "BrowseApiDocs",
        "SignIn",
        "ReadMyProfile",
        "ResumeTheApp",
        "ActForTheEnterprise",
        "ManageAgents",
        "DepartmentToken",
        "ReadTheRegistry",
        "ChangeAnItem",
        "ReviewTheQueue",
        # every real journey: applying (ordinary, with an upload; instant approval), following, the wallet,
        # the data-access log, the inbox, and a department system's status callbacks with its own token
        "ApplyOnline",
        "ApplyForInstantApproval",
        "FollowMyApplications",
        "ReadMyLicences",
        "ReadMyDataAccessLog",
        "ReadMyInbox",
        "PostStatusUpdates",
    }
    assert always <= ran, always - ran
    assert not ran & skipped
    assert all(row["requests"] > 0 for row in summary["journeys"])
    assert summary["budgets_judged"] is False  # a smoke run is judged on failures, see journeys/report.py
    assert summary["run"]["locust_processes"] == 1

    with Path(prefix + "_stats.csv").open(encoding="utf-8") as stats:
        names = {row["Name"] for row in csv.DictReader(stats)}
    assert {
        "/v1/app/home",
        "/v1/catalog/search",
        "/oauth/authorize (password)",
        "/v1/me",
        "/v1/materials",
        "/v1/applications",
        "/v1/department/applications/{number}/events",
    } <= names
    assert "PASSED" in run.stdout


def test_gateway_and_locust_get_cores_of_their_own_when_there_are_two() -> None:
    layout = plan_cores([0, 1], locust_processes=1)
    if layout.pinned:  # taskset is installed
        assert layout == CpuLayout(gateway=(0,), locust=(1,), pinned=True)
    assert plan_cores([0], locust_processes=1) == CpuLayout((0,), (0,), pinned=False)
    many = plan_cores(range(8), locust_processes=6)
    if many.pinned:
        assert many.locust == (4, 5, 6, 7) and many.gateway == (
            0,
            1,
            2,
            3,
        )  # Locust never gets more than half
