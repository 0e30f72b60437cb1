"""The vocabulary the generator draws on, gathered in one place.

The tables themselves live in modules by domain (``departments``, ``reference``, ``kinds_*``); this module
joins them. The figures the catalogue must reach are the validator's too, so they live with it
(``ishenzhen.catalog.source.facts``) and are re-exported here.
"""

from __future__ import annotations

from ishenzhen.catalog.source.facts import DEREGISTRATION, NAMED_INSTANT_APPROVALS, Targets
from tools.catalog_generator.departments import DEPARTMENT_SPECS, DepartmentSpec
from tools.catalog_generator.kind_group import KindGroup
from tools.catalog_generator.kinds_business import BUSINESS_KINDS
from tools.catalog_generator.kinds_city import CITY_KINDS
from tools.catalog_generator.kinds_district import DISTRICT_KINDS
from tools.catalog_generator.kinds_people import PEOPLE_KINDS
from tools.catalog_generator.kinds_public import PUBLIC_KINDS
from tools.catalog_generator.reference import (
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
    "DEREGISTRATION",
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
