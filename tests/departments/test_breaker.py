"""The circuit breaker and the retry budget, alone (a hand-moved clock) and in the client against a simulator."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.departments import CircuitBreaker, DepartmentClient, RetryBudget
from tests.departments.factories import submission
from tests.simulators_fixture import Simulators


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_opens_after_consecutive_failures_only() -> None:
    breaker = CircuitBreaker(failure_threshold=3, cool_down=1.0, clock=Clock())
    for ok in (False, False, True, False, False):
        assert breaker.acquire()
        breaker.record(ok)
    assert breaker.state == "closed"
    assert breaker.acquire()
    breaker.record(False)
    assert breaker.state == "open" and not breaker.acquire()


def test_half_open_lets_one_trial_through_and_its_failure_doubles_the_wait() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, cool_down=1.0, max_cool_down=3.0, clock=clock)
    breaker.acquire()
    breaker.record(False)
    clock.now += 1.0
    assert breaker.state == "half_open"
    assert breaker.acquire() and not breaker.acquire()  # one trial at a time
    breaker.record(False)
    assert breaker.state == "open" and breaker.retry_in() == 2.0
    clock.now += 2.0
    assert breaker.acquire()
    breaker.record(False)
    assert breaker.retry_in() == 3.0  # capped
    clock.now += 3.0
    assert breaker.acquire()
    breaker.record(True)
    assert breaker.state == "closed"
    # Closed again, the cool-down starts from the beginning.
    breaker.acquire()
    breaker.record(False)
    assert breaker.retry_in() == 1.0


def test_a_trial_that_ended_without_a_verdict_frees_the_slot() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, cool_down=1.0, clock=clock)
    breaker.acquire()
    breaker.record(False)
    clock.now += 1.0
    assert breaker.acquire()
    breaker.release()
    assert breaker.acquire()


@given(st.lists(st.booleans(), max_size=60), st.integers(min_value=0, max_value=200))
def test_retries_never_exceed_the_budget(firsts: list[bool], retries: int) -> None:
    clock = Clock()
    budget = RetryBudget(ratio=0.2, min_per_second=1.0, window=10.0, clock=clock)
    for _ in firsts:
        budget.record_first()
    granted = sum(budget.try_retry() for _ in range(retries))
    assert granted <= 0.2 * len(firsts) + 10
    assert granted == min(retries, int(0.2 * len(firsts) + 10 + 1e-9))


def test_the_budget_refills_as_the_window_slides() -> None:
    clock = Clock()
    budget = RetryBudget(ratio=0.0, min_per_second=0.5, window=10.0, clock=clock)
    assert sum(budget.try_retry() for _ in range(10)) == 5
    clock.now += 10.0
    assert sum(budget.try_retry() for _ in range(10)) == 5


async def test_the_client_stops_calling_a_failing_department_and_comes_back(simulators: Simulators) -> None:
    clock = Clock()
    directory = simulators.directory(breaker_failures=3, breaker_cool_down=5.0)
    client = DepartmentClient(directory, clock=clock)
    try:
        await simulators.knobs("education", down=True)
        for _ in range(3):
            assert (await client.deliver(submission("education"))).error_source == "link"
        sent = (await simulators.report("education"))["counters"]["requests"]
        held = await client.deliver(submission("education"))
        assert held.outcome == "retry" and held.error_source == "gateway" and "circuit open" in held.detail
        assert held.retry_after == 5.0
        assert (await simulators.report("education"))["counters"]["requests"] == sent  # nothing went out
        # Other departments are unaffected.
        assert (await client.deliver(submission("justice"))).outcome == "delivered"
        assert client.breaker_states() == {"education": "open", "justice": "closed"}
        clock.now += 5.0
        failed_trial = await client.deliver(submission("education"))
        assert failed_trial.error_source == "link" and client.breaker_states()["education"] == "open"
        await simulators.knobs("education")
        clock.now += 9.9
        assert (
            await client.deliver(submission("education"))
        ).error_source == "gateway"  # waits twice as long
        clock.now += 0.1
        assert (await client.deliver(submission("education"))).outcome == "delivered"
        assert client.breaker_states()["education"] == "closed"
    finally:
        await client.aclose()


async def test_retries_beyond_the_budget_are_held_back(simulators: Simulators) -> None:
    clock = Clock()
    client = DepartmentClient(simulators.directory(retry_budget_ratio=0.0), clock=clock)
    try:
        outcomes = [(await client.deliver(submission("education", attempt=2))) for _ in range(12)]
        assert [r.outcome for r in outcomes[:10]] == ["delivered"] * 10
        assert all(r.error_source == "gateway" and "retry budget" in r.detail for r in outcomes[10:])
        # First attempts are never held back by the budget.
        assert (await client.deliver(submission("education", attempt=1))).outcome == "delivered"
    finally:
        await client.aclose()


async def test_a_request_whose_last_outcome_was_retry_counts_as_a_retry(simulators: Simulators) -> None:
    clock = Clock()
    client = DepartmentClient(simulators.directory(retry_budget_ratio=0.0, breaker_failures=100), clock=clock)
    try:
        await simulators.knobs("education", error_rate=1.0, error_status=503)
        request = submission("education")
        results = [await client.deliver(request) for _ in range(12)]
        # The first is a first attempt; the next ten spend the floor of the budget; the last is held back.
        assert [r.status for r in results[:11]] == [503] * 11
        assert results[11].error_source == "gateway" and "retry budget" in results[11].detail
    finally:
        await client.aclose()


async def test_a_new_application_after_a_failed_one_is_a_first_attempt(simulators: Simulators) -> None:
    client = DepartmentClient(
        simulators.directory(retry_budget_ratio=0.0, breaker_failures=100), clock=Clock()
    )
    try:
        await simulators.knobs("education", error_rate=1.0, error_status=503)
        for _ in range(15):
            assert (await client.deliver(submission("education"))).status == 503  # never held back
    finally:
        await client.aclose()
