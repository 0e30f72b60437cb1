"""How the vocabulary describes service kinds: a name template, its fills, and what items of the kind share.

A group such as ``g("食品经营许可证{}", "核发 变更 延续 注销", L, LICENCE, ...)`` stands for the four kinds
食品经营许可证核发, 食品经营许可证变更, … which share audience, type, themes and materials, as the real
portals list them. Space-separated strings keep the tables short enough to read as a list of services.
"""

from __future__ import annotations

from dataclasses import dataclass

from ishenzhen.catalog.model import Audience, ItemType, Level, ResultType, ServiceScope

__all__ = [
    "BENEFIT",
    "BOTH",
    "CONFIRM",
    "LEGAL",
    "LEVY",
    "LICENCE",
    "OTHER",
    "PERSON",
    "REWARD",
    "RULING",
    "SERVICE",
    "KindGroup",
    "cross",
    "d",
    "g",
]

PERSON: Audience = "natural_person"
LEGAL: Audience = "legal_person"
BOTH: Audience = "both"
LICENCE: ItemType = "licence"
BENEFIT: ItemType = "benefit"
CONFIRM: ItemType = "confirmation"
REWARD: ItemType = "reward"
RULING: ItemType = "ruling"
LEVY: ItemType = "levy"
SERVICE: ItemType = "public_service"
OTHER: ItemType = "other"


@dataclass(frozen=True, slots=True)
class KindGroup:
    template: str
    fills: tuple[str, ...]
    audience: Audience
    item_type: ItemType
    themes: tuple[str, ...]
    level: Level = "city"
    materials: tuple[str, ...] = ()
    fee: str | None = None
    # Result name may hold ``{}`` for the fill (e.g. the licence a 核发 kind issues).
    result: tuple[str, ResultType] | None = None
    statutory_days: int | None = None
    # Kinds that need the applicant in person by nature: fingerprints, exams, site inspection.
    visit_reason: str | None = None
    # Rule-checkable, high-volume kinds: first in line for instant approval (秒批).
    instant_candidate: bool = False
    # 1 (rarely used) to 5 (used by most of the city): scales the item's popularity.
    heat: int = 2
    scope: ServiceScope | None = None
    basis: tuple[str, ...] = ()
    condition: str | None = None
    # 业务办理项: each kind is listed as itself and once per sub-item, e.g. 机动车注册登记（单位）.
    subitems: tuple[str, ...] = ()

    def names(self) -> tuple[tuple[str, str, str], ...]:
        """(name, fill, sub-item) of every kind in the group, in the order written; sub-item "" for the kind."""
        if not self.fills:
            bases = ((self.template, ""),)
        else:
            template = self.template if "{}" in self.template else self.template + "{}"
            bases = tuple((template.format(fill), fill) for fill in self.fills)
        return tuple(
            (name + (f"（{sub}）" if sub else ""), fill, sub)
            for name, fill in bases
            for sub in ("", *self.subitems)
        )


def g(
    template: str,
    fills: str,
    audience: Audience,
    item_type: ItemType,
    themes: str,
    *,
    mats: str = "",
    basis: str = "",
    sub: str = "",
    **options: object,
) -> KindGroup:
    """A city-level group; strings with spaces are split into tuples."""
    return KindGroup(
        template,
        tuple(fills.split()),
        audience,
        item_type,
        tuple(themes.split()),
        materials=tuple(mats.split()),
        basis=tuple(basis.split()),
        subitems=tuple(sub.split()),
        **options,  # type: ignore[arg-type]
    )


def d(
    template: str, fills: str, audience: Audience, item_type: ItemType, themes: str, **options: object
) -> KindGroup:
    """A district-level group: every kind in it exists once in each district."""
    return g(template, fills, audience, item_type, themes, level="district", **options)  # type: ignore[arg-type]


def cross(
    objects: str, actions: str, audience: Audience, item_type: ItemType, themes: str, **options: object
) -> tuple[KindGroup, ...]:
    """One group per object, each with every action: 食品经营许可证核发, 食品经营许可证变更, …

    ``result="{}"`` names each group's result after its object (the licence itself).
    """
    result = options.pop("result", None)
    groups = []
    for obj in objects.split():
        named = (obj, "licence") if result == "{}" else result
        groups.append(g(obj + "{}", actions, audience, item_type, themes, result=named, **options))
    return tuple(groups)
