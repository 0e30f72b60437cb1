"""The capacity search's stopping rule and its verdict at 70 %."""

from __future__ import annotations

from bench.locust_capacity import Capacity, Stage, browsing_p95_ms, steady_rate


def _stage(users: int, rps: float, failures: int = 0) -> Stage:
    return Stage(users, rps, failures, 10.0)


def test_the_search_goes_on_while_the_rate_still_grows() -> None:
    best, go_on = steady_rate([_stage(25, 100), _stage(50, 190)])
    assert best == _stage(50, 190) and go_on


def test_a_stage_adding_under_five_percent_means_saturated() -> None:
    best, go_on = steady_rate([_stage(25, 100), _stage(50, 190), _stage(100, 195)])
    assert best == _stage(100, 195) and not go_on


def test_the_first_failing_stage_ends_the_search_and_never_counts() -> None:
    best, go_on = steady_rate([_stage(25, 100), _stage(50, 300, failures=2)])
    assert best == _stage(25, 100) and not go_on
    assert steady_rate([_stage(25, 100, failures=1)]) == (None, False)


def test_browsing_is_judged_by_its_worst_journey_and_not_by_the_api_document() -> None:
    summary = {
        "failures": 0,
        "journeys": [
            {"journey": "OpenTheApp", "p95_ms": 20},
            {"journey": "FindAService", "p95_ms": 45},
            {"journey": "BrowseApiDocs", "p95_ms": 300},
            {"journey": "SignIn", "p95_ms": 900},
        ],
    }
    assert browsing_p95_ms(summary) == 45
    assert Capacity(0.1, final=summary).passed
    slow = {**summary, "journeys": [{"journey": "CheckAForm", "p95_ms": 60}]}
    assert not Capacity(0.1, final=slow).passed
    assert not Capacity(0.1, final={**summary, "failures": 1}).passed
