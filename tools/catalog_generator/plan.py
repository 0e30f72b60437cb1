"""Which kinds the catalogue holds and the choices made per kind: phone handling, instant approval.

Choices are made per kind, not per item, so the ten district copies of a kind behave alike, as one set of
city-wide rules would make them. Every random draw comes from a ``random.Random`` seeded with a string naming
the kind; string seeds are hashed with SHA-512, so the output does not depend on PYTHONHASHSEED or on order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tools.catalog_generator.vocabulary import (
    DEPARTMENT_SPECS,
    DISTRICT_ROWS,
    KINDS,
    NAMED_INSTANT_APPROVALS,
    DepartmentSpec,
    KindGroup,
    Targets,
)

__all__ = ["PlannedKind", "plan_catalogue"]

# Kinds the API's search is tested against: never trimmed away.
_PROTECTED_NAMES = frozenset(
    {
        *NAMED_INSTANT_APPROVALS,
        "住房公积金提取（租房）",
        "居民身份证换领",
        "灵活就业人员参加基本养老保险登记",
        "社会保险关系转移",
        "网络预约出租汽车经营许可",
    }
)
# Chance that a kind can be handled entirely on the phone, unless it needs a visit by nature.
_PHONE_CHANCE = {"natural_person": 0.99, "both": 0.985, "legal_person": 0.72}


@dataclass(slots=True)
class PlannedKind:
    department: DepartmentSpec
    department_number: int
    kind_number: int
    group: KindGroup
    name: str
    fill: str
    rng_seed: str
    is_subitem: bool
    phone_handling: bool = False
    instant_approval: bool = False

    @property
    def copies(self) -> int:
        return len(DISTRICT_ROWS) if self.group.level == "district" else 1


def _all_kinds() -> list[PlannedKind]:
    kinds = []
    for department_number, spec in enumerate(DEPARTMENT_SPECS, start=1):
        kind_number = 0
        for group in KINDS[spec.slug]:
            for name, fill, subitem in group.names():
                kind_number += 1
                seed = f"{spec.slug}/{kind_number}/{name}"
                kinds.append(
                    PlannedKind(spec, department_number, kind_number, group, name, fill, seed, bool(subitem))
                )
    return kinds


def _trim(kinds: list[PlannedKind], target: int) -> list[PlannedKind]:
    """Drop kinds from the end of the largest departments' lists until exactly ``target`` items remain.

    District kinds go first (ten items each), then city kinds make up the last few; protected names stay.
    """
    total = sum(kind.copies for kind in kinds)
    if total < target:
        raise ValueError(f"the vocabulary yields {total} items, fewer than the {target} required")
    dropped: set[int] = set()
    per_department: dict[str, int] = {}
    for kind in kinds:
        per_department[kind.department.slug] = per_department.get(kind.department.slug, 0) + kind.copies
    for level, size in (("district", len(DISTRICT_ROWS)), ("city", 1)):
        while total - target >= size:
            candidates = [
                (per_department[kind.department.slug], index)
                for index, kind in enumerate(kinds)
                if index not in dropped and kind.group.level == level and kind.name not in _PROTECTED_NAMES
            ]
            _, index = max(candidates)
            dropped.add(index)
            total -= size
            per_department[kinds[index].department.slug] -= size
    if total != target:
        raise ValueError(f"cannot trim the vocabulary to exactly {target} items")
    return [kind for index, kind in enumerate(kinds) if index not in dropped]


def _choose_phone_handling(kinds: list[PlannedKind]) -> None:
    for kind in kinds:
        rng = random.Random(kind.rng_seed + "/phone")
        needs_visit = kind.group.visit_reason is not None
        kind.phone_handling = not needs_visit and rng.random() < _PHONE_CHANCE[kind.group.audience]


def _choose_instant_approvals(kinds: list[PlannedKind], target: int, scale: int) -> None:
    """The named kinds, then the hottest rule-checkable kinds, until exactly ``target`` items."""
    remaining = target
    for kind in kinds:
        if kind.name in NAMED_INSTANT_APPROVALS:
            kind.instant_approval = True
            remaining -= kind.copies * scale
    candidates = sorted(
        (kind for kind in kinds if kind.group.instant_candidate and not kind.instant_approval),
        # Base kinds before their sub-items (…（港澳台居民）), so a variant is never quicker than its kind.
        key=lambda kind: (
            -kind.group.heat,
            kind.is_subitem,
            random.Random(kind.rng_seed + "/instant").random(),
        ),
    )
    for kind in candidates:
        size = kind.copies * scale
        if kind.group.visit_reason is None and size <= remaining:
            kind.instant_approval = True
            remaining -= size
    if remaining:
        raise ValueError(f"not enough instant-approval candidates: {remaining} items short")
    for kind in kinds:
        # Approved by rules in seconds implies nothing to bring to a hall.
        kind.phone_handling = kind.phone_handling or kind.instant_approval


def plan_catalogue(targets: Targets) -> list[PlannedKind]:
    """The kinds of the catalogue in department and kind order, each item count multiplied by the scale."""
    kinds = _trim(_all_kinds(), Targets.ITEMS)
    _choose_phone_handling(kinds)
    _choose_instant_approvals(kinds, targets.instant_approvals, targets.scale)
    return kinds
