"""The state machine, exhaustively: every (from, to, actor) is either allowed as documented or refused."""

from __future__ import annotations

import itertools
from collections import deque

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.handling.states import (
    ACTORS,
    DEPARTMENT_STATUSES,
    STATUSES,
    TERMINAL,
    IllegalTransition,
    allowed_targets,
    check_transition,
    is_allowed,
)


def test_final_statuses_have_no_way_out() -> None:
    for status, actor in itertools.product(TERMINAL, ACTORS):
        assert allowed_targets(status, actor) == []
    with pytest.raises(IllegalTransition, match="final"):
        check_transition("completed", "approved", "department")


def test_every_status_is_reachable_from_submitted() -> None:
    seen, queue = {"submitted"}, deque(["submitted"])
    while queue:
        current = queue.popleft()
        for actor in ACTORS:
            for target in allowed_targets(current, actor):  # type: ignore[arg-type]
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
    assert seen == set(STATUSES)


def test_who_may_do_what() -> None:
    assert is_allowed("submitted", "delivered", "gateway")
    assert not is_allowed("submitted", "delivered", "department")
    assert is_allowed("delivered", "approved", "department")  # instant approval (秒批)
    assert is_allowed("submitted", "accepted", "department")  # the callback overtook the delivery record
    assert is_allowed("more_material_needed", "in_review", "applicant")
    assert not is_allowed("in_review", "withdrawn", "department")
    assert not is_allowed("approved", "withdrawn", "applicant")  # decided: too late to withdraw
    assert is_allowed("delivery_failed", "submitted", "operator")
    assert not is_allowed("delivery_failed", "submitted", "applicant")


def test_the_department_decides_and_the_gateway_delivers_or_decides_by_rules_first() -> None:
    for current, target in itertools.product(STATUSES, STATUSES):
        if is_allowed(current, target, "gateway"):
            if target in ("approved", "rejected", "in_review"):  # instant approval, before any decision
                assert current in ("submitted", "delivered", "accepted")
            else:
                assert target in ("delivered", "delivery_failed")
        if is_allowed(current, target, "applicant"):
            assert target in ("withdrawn", "in_review")
        if is_allowed(current, target, "department"):
            assert target in DEPARTMENT_STATUSES


@given(st.sampled_from(STATUSES), st.sampled_from(STATUSES), st.sampled_from(ACTORS))
def test_check_transition_agrees_with_is_allowed(current: str, target: str, actor: str) -> None:
    if is_allowed(current, target, actor):  # type: ignore[arg-type]
        check_transition(current, target, actor)  # type: ignore[arg-type]
    else:
        with pytest.raises(IllegalTransition) as refused:
            check_transition(current, target, actor)  # type: ignore[arg-type]
        assert current in str(refused.value)
