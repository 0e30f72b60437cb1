"""The vocabulary the generator draws on, gathered in one place.

The tables themselves live in private modules by domain (``_departments``, ``_reference``, ``_kinds_*``);
this module joins them and fixes the figures the catalogue must reach.
"""

from __future__ import annotations

from ishenzhen.catalog.source._departments import DEPARTMENT_SPECS, DepartmentSpec
from ishenzhen.catalog.source._kind_group import KindGroup
from ishenzhen.catalog.source._kinds_business import BUSINESS_KINDS
from ishenzhen.catalog.source._kinds_city import CITY_KINDS
from ishenzhen.catalog.source._kinds_district import DISTRICT_KINDS
from ishenzhen.catalog.source._kinds_people import PEOPLE_KINDS
from ishenzhen.catalog.source._kinds_public import PUBLIC_KINDS
from ishenzhen.catalog.source._reference import (
    DISTRICT_ROWS,
    E_LICENCE_ROWS,
    FEES,
    MATERIALS,
    THEME_ROWS,
    FeeSpec,
    MaterialSpec,
)

__all__ = [
    "DEPARTMENT_SPECS",
    "DISTRICT_ROWS",
    "E_LICENCE_ROWS",
    "FEES",
    "KINDS",
    "MATERIALS",
    "NAMED_INSTANT_APPROVALS",
    "THEME_ROWS",
    "DepartmentSpec",
    "FeeSpec",
    "KindGroup",
    "MaterialSpec",
    "Targets",
]


def _join(*tables: dict[str, tuple[KindGroup, ...]]) -> dict[str, tuple[KindGroup, ...]]:
    """Department slug -> its groups, in department order, the domain tables' groups one after another."""
    joined: dict[str, tuple[KindGroup, ...]] = {spec.slug: () for spec in DEPARTMENT_SPECS}
    for table in tables:
        for slug, groups in table.items():
            joined[slug] += groups
    return joined


KINDS = _join(PEOPLE_KINDS, BUSINESS_KINDS, CITY_KINDS, PUBLIC_KINDS, DISTRICT_KINDS)

# The instant-approval (秒批) items the source article names, under the names the portal uses.
NAMED_INSTANT_APPROVALS: tuple[str, ...] = (
    "应届毕业生接收",
    "在职人才引进",
    "博士后引进",
    "留学回国人员引进",
    "企业设立登记",
    "社会投资项目备案",
    "网络预约出租汽车驾驶员证核发",
    "个体工商户设立登记",
    "老龄津贴发放",
    "企业注销登记",
)
# The article: enterprise deregistration is done within one working day.
DEREGISTRATION = "企业注销登记"


class Targets:
    """The article's figures (FACTS.md), multiplied by ``scale`` for the scale benchmark's catalogue."""

    ITEMS = 7_484
    INSTANT_APPROVALS = 200
    DEPARTMENTS = 68
    DISTRICTS = 10
    # Share of items that can be handled entirely on the phone, per audience.
    PHONE_SHARE_NATURAL_PERSON = 0.95
    PHONE_SHARE_LEGAL_PERSON = 0.60

    def __init__(self, scale: int = 1) -> None:
        if scale < 1:
            raise ValueError("scale is a positive integer")
        self.scale = scale
        self.items = self.ITEMS * scale
        self.instant_approvals = self.INSTANT_APPROVALS * scale
