"""The catalogue's rules beyond its schema: codes, references, uniqueness and the article's figures."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.catalog.source._loading import LoadedCatalog, Problem
from ishenzhen.catalog.source._spec_checks import SpecChecker, check_render_specs, ui_spec_problems
from ishenzhen.catalog.source.codes import CATEGORY_OF_NATURE, SHENZHEN_DIVISION
from ishenzhen.catalog.source.facts import DEREGISTRATION, NAMED_INSTANT_APPROVALS, Targets
from ishenzhen.catalog.source.item_checks import PHONE as _PHONE
from ishenzhen.catalog.source.item_checks import ItemReferences, check_item
from ishenzhen.lib.validators import is_valid_credit_code, is_valid_organisation_code

__all__ = ["check_catalog"]

_DISTRICT_CODE = re.compile(r"4403[0-9]{2}")


def _credit_code_problems(code: str, nature: str, division: str) -> Iterator[str]:
    if not is_valid_credit_code(code):
        yield f"`{code}` is not a valid unified social credit code (GB 32100 check character)"
        return
    if code[:2] != CATEGORY_OF_NATURE[nature]:  # type: ignore[index]  # nature was checked against the Literal by the loader
        yield f"a {nature.replace('_', ' ')} has credit codes starting {CATEGORY_OF_NATURE[nature]}"  # type: ignore[index]  # nature was checked against the Literal by the loader
    if code[2:8] != division:
        yield f"credit code names division {code[2:8]}, expected {division}"
    if not is_valid_organisation_code(code[8:17]):
        yield "characters 9-17 are not a valid organisation code (GB 11714 check character)"


def _check_reference(loaded: LoadedCatalog, targets: Targets) -> Iterator[Problem]:
    catalog = loaded.catalog
    district_codes = {district.code for district in catalog.districts}
    for label, rows, key, expected in (
        ("departments", catalog.departments, "slug", Targets.DEPARTMENTS),
        ("districts", catalog.districts, "code", Targets.DISTRICTS),
        ("themes", catalog.themes, "code", None),
        ("e_licence_types", catalog.e_licence_types, "code", None),
    ):
        seen: set[str] = set()
        for row in rows:
            value = getattr(row, key)
            if value in seen:
                yield loaded.where(row).problem(value, key, f"duplicate {key} `{value}`")
            seen.add(value)
        found = loaded.rows_found.get(label, 0)
        if expected is not None and found != expected:
            yield Problem(
                file=str(loaded.root / f"{label}.yaml"),
                line=None,
                item_code=None,
                field=label,
                reason=f"expected exactly {expected} {label}, found {found}",
            )
    for district in catalog.districts:
        if not _DISTRICT_CODE.fullmatch(district.code):
            yield loaded.where(district).problem(
                district.code, "code", "a Shenzhen district code is 4403 + 2 digits"
            )
    for department in catalog.departments:
        where = loaded.where(department)
        for reason in _credit_code_problems(department.credit_code, department.nature, SHENZHEN_DIVISION):
            yield where.problem(department.slug, "credit_code", reason)
        if not _PHONE.fullmatch(department.enquiry_phone):
            yield where.problem(department.slug, "enquiry_phone", "expected 0755-xxxxxxxx or a 123xx hotline")
        for index, body in enumerate(department.district_bodies):
            if body.district not in district_codes:
                yield where.problem(
                    department.slug, "district_bodies", f"unknown district `{body.district}`", index
                )
            for reason in _credit_code_problems(body.credit_code, department.nature, body.district):
                yield where.problem(department.slug, "district_bodies", f"{body.name}: {reason}", index)
    names = Counter(department.name for department in catalog.departments)
    for department in catalog.departments:
        if names[department.name] > 1:
            yield loaded.where(department).problem(
                department.slug, "name", f"duplicate name `{department.name}`"
            )


def _check_item(item: ServiceItem, loaded: LoadedCatalog, references: ItemReferences) -> Iterator[Problem]:
    where = loaded.where(item)
    if Path(where.file).stem != item.department:
        yield where.problem(
            item.code, "department", f"item of `{item.department}` in the file of `{Path(where.file).stem}`"
        )
    for found in check_item(item, references):
        yield where.problem(item.code, found.field, found.reason, found.index)


def _catalogue_problem(loaded: LoadedCatalog, field: str, reason: str) -> Problem:
    return Problem(file=str(loaded.root / "items"), line=None, item_code=None, field=field, reason=reason)


def _check_totals(loaded: LoadedCatalog, targets: Targets) -> Iterator[Problem]:
    items = loaded.catalog.items
    found = loaded.rows_found.get("items", 0)
    if found != targets.items:
        yield _catalogue_problem(loaded, "count", f"expected exactly {targets.items} items, found {found}")
    instant = sum(item.instant_approval for item in items)
    if instant != targets.instant_approvals:
        yield _catalogue_problem(
            loaded,
            "instant_approval",
            f"expected exactly {targets.instant_approvals} instant-approval items, found {instant}",
        )
    for audience, share in (
        ("natural_person", Targets.PHONE_SHARE_NATURAL_PERSON),
        ("legal_person", Targets.PHONE_SHARE_LEGAL_PERSON),
    ):
        serving = [item for item in items if item.audience in (audience, "both")]
        on_phone = sum(item.phone_handling for item in serving)
        if serving and on_phone / len(serving) < share:
            yield _catalogue_problem(
                loaded,
                "phone_handling",
                f"{on_phone}/{len(serving)} {audience} items are handled on the phone, below {share:.0%}",
            )
    by_name = {item.name: item for item in items if item.name in NAMED_INSTANT_APPROVALS}
    for name in NAMED_INSTANT_APPROVALS:
        named = [item for item in items if item.name == name]
        if not named:
            yield _catalogue_problem(
                loaded, "name", f"the article's instant-approval item `{name}` is missing"
            )
        for item in named:
            if not item.instant_approval:
                yield loaded.where(item).problem(
                    item.code, "instant_approval", f"`{name}` is approved instantly"
                )
    if DEREGISTRATION in by_name:
        for item in (item for item in items if item.name == DEREGISTRATION and item.promised_days > 1):
            yield loaded.where(item).problem(
                item.code, "promised_days", "enterprise deregistration takes at most 1 day"
            )


def _check_uniqueness(loaded: LoadedCatalog, district_count: int) -> Iterator[Problem]:
    items = loaded.catalog.items
    for field in ("code", "implementation_code"):
        first: dict[str, ServiceItem] = {}
        for item in items:
            value = getattr(item, field)
            if value in first:
                other = loaded.where(first[value])
                yield loaded.where(item).problem(
                    item.code, field, f"duplicate of the item at {other.file}:{other.lines.line}"
                )
            else:
                first[value] = item
    scopes: dict[tuple[str, str | None, str], ServiceItem] = {}
    for item in items:
        scope = (item.department, item.district, item.name)
        if scope in scopes:
            other = loaded.where(scopes[scope])
            yield loaded.where(item).problem(
                item.code,
                "name",
                f"`{item.name}` already names the item at {other.file}:{other.lines.line} in the same scope",
            )
        else:
            scopes[scope] = item
    copies: dict[str, list[ServiceItem]] = defaultdict(list)
    for item in items:
        if item.level == "district":
            copies[item.basic_code].append(item)
    for group in copies.values():
        if len({item.district for item in group}) != district_count:
            item = group[0]
            yield loaded.where(item).problem(
                item.code,
                "district",
                f"a district-level kind exists once in each of "
                f"the {district_count} districts, found {len(group)}",
            )
    previous: dict[str, str] = {}
    for item in items:
        file = loaded.where(item).file
        if file in previous and item.code < previous[file]:
            yield loaded.where(item).problem(item.code, "code", "items in a file are sorted by code")
        previous[file] = item.code


def check_catalog(
    loaded: LoadedCatalog, targets: Targets, check_spec: SpecChecker = ui_spec_problems
) -> list[Problem]:
    catalog = loaded.catalog
    references = ItemReferences(
        departments={department.slug: department for department in catalog.departments},
        themes={theme.code for theme in catalog.themes},
        licences={licence.code for licence in catalog.e_licence_types},
        districts={district.code for district in catalog.districts},
    )
    problems = list(_check_reference(loaded, targets))
    for item in catalog.items:
        problems.extend(_check_item(item, loaded, references))
    problems.extend(_check_uniqueness(loaded, len(references.districts)))
    problems.extend(_check_totals(loaded, targets))
    problems.extend(check_render_specs(loaded, check_spec))
    return problems
