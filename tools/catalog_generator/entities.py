"""Departments, districts, themes and e-licence types, built from the vocabulary's tables."""

from __future__ import annotations

import hashlib

from ishenzhen.catalog.model import Department, District, DistrictBody, ElicenceType, Theme
from ishenzhen.catalog.source.codes import SHENZHEN_DIVISION, government_credit_code
from tools.catalog_generator.vocabulary import (
    DEPARTMENT_SPECS,
    DISTRICT_ROWS,
    E_LICENCE_ROWS,
    KINDS,
    THEME_ROWS,
    DepartmentSpec,
)

__all__ = ["build_departments", "build_districts", "build_e_licence_types", "build_themes", "office_phone"]


def office_phone(seed: str) -> str:
    """A stable Shenzhen landline (0755 + 8 digits) for a body without a well-known hotline."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") % 10_000_000
    return f"0755-8{number:07d}"


def build_districts() -> list[District]:
    return [
        District(code=code, name=name, slug=slug, kind=kind) for code, name, slug, kind, _ in DISTRICT_ROWS
    ]  # type: ignore[arg-type]


def _district_body_name(template: str, district_name: str) -> str:
    short = district_name.removesuffix("新区").removesuffix("区")
    return template.format(d=district_name, s=short)


def _district_bodies(spec: DepartmentSpec) -> list[DistrictBody]:
    has_district_kinds = any(group.level == "district" for group in KINDS[spec.slug])
    if spec.district_body is None or not has_district_kinds:
        return []
    bodies = []
    for code, name, *_ in DISTRICT_ROWS:
        body_name = _district_body_name(spec.district_body, name)
        bodies.append(
            DistrictBody(
                district=code,
                name=body_name,
                credit_code=government_credit_code(spec.nature, code, body_name),
            )
        )
    return bodies


def build_departments() -> list[Department]:
    return [
        Department(
            slug=spec.slug,
            name=spec.name,
            short_name=spec.short_name,
            nature=spec.nature,
            credit_code=government_credit_code(spec.nature, SHENZHEN_DIVISION, spec.name),
            enquiry_phone=spec.hotline or office_phone(spec.name),
            district_bodies=_district_bodies(spec),
        )
        for spec in DEPARTMENT_SPECS
    ]


def build_themes() -> list[Theme]:
    return [Theme(code=code, name=name, audience=audience) for code, name, audience in THEME_ROWS]  # type: ignore[arg-type]


def build_e_licence_types() -> list[ElicenceType]:
    return [ElicenceType(code=code, name=name, issuer=issuer) for code, name, issuer in E_LICENCE_ROWS]
