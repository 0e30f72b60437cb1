"""The status state machine of an application: pure data and one function, no I/O.

::

    submitted ──▶ delivered ──▶ accepted ──▶ in_review ──▶ approved ──▶ completed
        │   ╲          │            │            │    ╲──▶ rejected
        │    ╲─────────┴────────────┴────────────┴──▶ more_material_needed ──(supplements)──▶ in_review
        ├──▶ delivery_failed ──(re-queued by an operator)──▶ submitted
        └──▶ withdrawn (by the applicant, from any state before a decision)

Who may move an application where is part of the machine: the gateway records delivery, the department
decides, the applicant withdraws and supplies material, an operator re-queues a failed delivery. A department
may skip steps (an instant approval, 秒批, goes from delivered straight to approved) and may answer before the
gateway has recorded the delivery (its event then moves the application on from ``submitted``). For an
instant-approval item the gateway's rules decide (approved, rejected, or in_review for a clerk) unless the
department already has. A department
event that repeats the current status is an update of the message, not a transition: allowed, one more row.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = [
    "ACTORS",
    "DEPARTMENT_STATUSES",
    "STATUSES",
    "TERMINAL",
    "Actor",
    "IllegalTransition",
    "Status",
    "allowed_targets",
    "check_transition",
    "is_allowed",
]

Status = Literal[
    "submitted",
    "delivered",
    "accepted",
    "in_review",
    "more_material_needed",
    "approved",
    "rejected",
    "completed",
    "withdrawn",
    "delivery_failed",
]
Actor = Literal["applicant", "gateway", "department", "operator"]
STATUSES: Final[tuple[Status, ...]] = get_args(Status)
ACTORS: Final[tuple[Actor, ...]] = get_args(Actor)
# What a department's event may set (the callback contract).
DepartmentStatus = Literal[
    "accepted", "in_review", "more_material_needed", "approved", "rejected", "completed"
]
DEPARTMENT_STATUSES: Final[tuple[DepartmentStatus, ...]] = get_args(DepartmentStatus)
TERMINAL: Final[frozenset[Status]] = frozenset({"rejected", "completed", "withdrawn"})

_UNDECIDED: Final = ("submitted", "delivered", "accepted", "in_review", "more_material_needed")
_DECISIONS: Final = ("more_material_needed", "approved", "rejected")

# (from, to) -> who may make that move.
_MOVES: Final[dict[tuple[Status, Status], frozenset[Actor]]] = {
    ("submitted", "delivered"): frozenset({"gateway"}),
    ("submitted", "delivery_failed"): frozenset({"gateway"}),
    ("delivery_failed", "submitted"): frozenset({"operator"}),
    ("more_material_needed", "in_review"): frozenset({"applicant", "department"}),
    ("approved", "completed"): frozenset({"department"}),
    **{(state, "withdrawn"): frozenset({"applicant"}) for state in (*_UNDECIDED, "delivery_failed")},
    **{(state, "accepted"): frozenset({"department"}) for state in ("submitted", "delivered")},
    **{(state, "in_review"): frozenset({"department"}) for state in ("submitted", "delivered", "accepted")},
    **{
        (state, decision): frozenset({"department"})
        for state in ("submitted", "delivered", "accepted", "in_review")
        for decision in _DECISIONS
    },
    **{
        (state, state): frozenset({"department"})
        for state in ("accepted", "in_review", "more_material_needed")
    },
    ("more_material_needed", "rejected"): frozenset({"department"}),
}
# Instant approval (秒批): the gateway's rules decide an item that carries a rule set, before the department
# has (approved or rejected), or hand it to a clerk (in_review). A department that decided first wins: its
# status is no longer one the gateway may move from.
for _state in ("submitted", "delivered", "accepted"):
    for _target in ("approved", "rejected", "in_review"):
        _MOVES[(_state, _target)] = _MOVES.get((_state, _target), frozenset()) | {"gateway"}
del _state, _target


class IllegalTransition(Exception):
    """A move the machine does not allow (from, to, actor); the message says so in plain words."""

    def __init__(self, current: str, target: str, actor: str) -> None:
        self.current, self.target, self.actor = current, target, actor
        if current in TERMINAL:
            why = f"the application is {current}, which is final"
        else:
            why = f"{actor} cannot move an application from {current} to {target}"
        super().__init__(why)


def is_allowed(current: Status, target: Status, actor: Actor) -> bool:
    return actor in _MOVES.get((current, target), frozenset())


def check_transition(current: str, target: str, actor: Actor) -> None:
    """Raise ``IllegalTransition`` unless ``actor`` may move an application from ``current`` to ``target``."""
    if actor not in _MOVES.get((current, target), frozenset()):  # type: ignore[arg-type]
        raise IllegalTransition(current, target, actor)


def allowed_targets(current: Status, actor: Actor) -> list[Status]:
    return [target for (source, target), actors in _MOVES.items() if source == current and actor in actors]
