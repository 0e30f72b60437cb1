"""The catalogue's rules beyond its schema: codes, references, uniqueness and the article's figures."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from ishenzhen.catalog.source._loading import LoadedCatalog, Problem
from ishenzhen.catalog.source._spec_checks import SpecChecker, check_render_specs, ui_spec_problems
from ishenzhen.catalog.source.codes import (
    BASIC_CODE,
    CATEGORY_OF_NATURE,
    ITEM_TYPE_CODES,
    SHENZHEN_DIVISION,
    implementation_code,
)
from ishenzhen.catalog.source.model import Department, ServiceItem
from ishenzhen.catalog.source.vocabulary import DEREGISTRATION, NAMED_INSTANT_APPROVALS, Targets
from ishenzhen.lib.validators import is_valid_credit_code, is_valid_organisation_code

__all__ = ["check_catalog"]

_DISTRICT_CODE = re.compile(r"4403[0-9]{2}")
_PHONE = re.compile(r"0755-[0-9]{8}|12[0-9]{3}")
_PLACEHOLDER_NAME = re.compile(r"^(事项|item)\s*[0-9]+$", re.IGNORECASE)


def _credit_code_problems(code: str, nature: str, division: str) -> Iterator[str]:
    if not is_valid_credit_code(code):
        yield f"`{code}` is not a valid unified social credit code (GB 32100 check character)"
        return
    if code[:2] != CATEGORY_OF_NATURE[nature]:  # type: ignore[index]
        yield f"a {nature.replace('_', ' ')} has credit codes starting {CATEGORY_OF_NATURE[nature]}"  # type: ignore[index]
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
            yield Problem(file=str(loaded.root / f"{label}.yaml"), line=None, item_code=None, field=label,
                          reason=f"expected exactly {expected} {label}, found {found}")  # fmt: skip
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


def _check_item(item: ServiceItem, loaded: LoadedCatalog, departments: dict[str, Department],
                themes: set[str], licences: set[str], districts: set[str]) -> Iterator[Problem]:  # fmt: skip
    where = loaded.where(item)
    code = item.code

    def problem(field: str, reason: str, index: int | None = None) -> Problem:
        return where.problem(code, field, reason, index)

    if Path(where.file).stem != item.department:
        yield problem("department", f"item of `{item.department}` in the file of `{Path(where.file).stem}`")
    department = departments.get(item.department)
    if department is None:
        yield problem("department", f"unknown department `{item.department}`")
    if item.level == "city" and item.district is not None:
        yield problem("district", "a city-level item has no district")
    if item.level == "district" and item.district not in districts:
        yield problem("district", f"a district-level item needs a known district, got `{item.district}`")
    division = SHENZHEN_DIVISION if item.level == "city" else item.district or ""
    if not BASIC_CODE.fullmatch(item.basic_code):
        yield problem("basic_code", "expected 12 digits")
    elif item.basic_code[:2] != ITEM_TYPE_CODES[item.item_type]:
        yield problem("basic_code", f"starts {item.basic_code[:2]}, but {item.item_type} items start "
                                    f"{ITEM_TYPE_CODES[item.item_type]}")  # fmt: skip
    if item.code != item.basic_code + division:
        yield problem("code", f"expected basic code + division code `{item.basic_code + division}`")
    body = item.implementing_body
    expected_body = None
    if department is not None:
        if item.level == "city":
            expected_body = (department.name, department.credit_code)
        else:
            for candidate in department.district_bodies:
                if candidate.district == item.district:
                    expected_body = (candidate.name, candidate.credit_code)
        if expected_body is None:
            yield problem("implementing_body", f"{department.name} has no body in district `{item.district}`")
        elif body.name != expected_body[0] or (
            # A broken department code is reported once, on the department, not again on each of its items.
            is_valid_credit_code(expected_body[1]) and body.credit_code != expected_body[1]
        ):
            yield problem("implementing_body", f"expected {expected_body[0]} ({expected_body[1]})")
    if not is_valid_credit_code(body.credit_code):
        yield problem("implementing_body", f"`{body.credit_code}` is not a valid unified social credit code")
    expected_implementation = implementation_code(item.basic_code, division, body.credit_code)
    if (
        item.implementation_code[:-3] != expected_implementation[:-3]
        or not item.implementation_code[-3:].isdigit()
    ):
        yield problem("implementation_code", f"expected basic code + division + implementing body's credit code "
                                             f"+ 3-digit sequence, e.g. `{expected_implementation}`")  # fmt: skip
    if not item.name.strip() or _PLACEHOLDER_NAME.match(item.name):
        yield problem("name", f"`{item.name}` is not a service name")
    for index, theme in enumerate(item.themes):
        if theme not in themes:
            yield problem("themes", f"unknown theme `{theme}`", index)
    if not item.themes:
        yield problem("themes", "at least one theme")
    for index, material in enumerate(item.materials):
        if material.e_licence_type is not None and material.e_licence_type not in licences:
            yield problem("materials", f"unknown e-licence type `{material.e_licence_type}`", index)
        if item.phone_handling and material.required and material.form == "paper":
            yield problem("materials", "a paper-only material cannot be handed in on the phone", index)
    if not item.materials:
        yield problem("materials", "at least one material")
    for index, fee in enumerate(item.fees):
        if fee.charged and not (fee.standard and fee.basis):
            yield problem("fees", "a charged fee needs its standard and its basis", index)
    if not item.legal_basis:
        yield problem("legal_basis", "at least one legal basis")
    yield from _check_handling(item, problem)


def _check_handling(item: ServiceItem, problem) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    if item.promised_days > item.statutory_days:
        yield problem(
            "promised_days", f"promised {item.promised_days} days, statutory limit {item.statutory_days}"
        )
    if (item.case_type == "immediate") != (item.promised_days == 0):
        yield problem(
            "case_type", "an immediate case (即办件) is promised in 0 days, a promised case in 1 or more"
        )
    if item.visits > 0 and not item.visit_reason:
        yield problem("visit_reason", "say why a visit to a hall is needed")
    if item.visits == 0 and item.visit_reason:
        yield problem("visit_reason", "an item needing no visit has no visit reason")
    if item.phone_handling and (
        item.visits or "phone" not in item.channels or item.online_depth != "full_online"
    ):
        yield problem("phone_handling", "handled entirely on the phone means 0 visits, the phone channel "
                                        "and full_online depth")  # fmt: skip
    if item.instant_approval and not item.phone_handling:
        yield problem("instant_approval", "an instant-approval item is handled entirely on the phone")
    if len(set(item.channels)) != len(item.channels) or not item.channels:
        yield problem("channels", "list each channel once, at least one")
    if not _PHONE.fullmatch(item.enquiry_phone):
        yield problem("enquiry_phone", "expected 0755-xxxxxxxx or a 123xx hotline")


def _catalogue_problem(loaded: LoadedCatalog, field: str, reason: str) -> Problem:
    return Problem(file=str(loaded.root / "items"), line=None, item_code=None, field=field, reason=reason)


def _check_totals(loaded: LoadedCatalog, targets: Targets) -> Iterator[Problem]:
    items = loaded.catalog.items
    found = loaded.rows_found.get("items", 0)
    if found != targets.items:
        yield _catalogue_problem(loaded, "count", f"expected exactly {targets.items} items, found {found}")
    instant = sum(item.instant_approval for item in items)
    if instant != targets.instant_approvals:
        yield _catalogue_problem(loaded, "instant_approval",
                                 f"expected exactly {targets.instant_approvals} instant-approval items, found {instant}")  # fmt: skip
    for audience, share in (("natural_person", Targets.PHONE_SHARE_NATURAL_PERSON),
                            ("legal_person", Targets.PHONE_SHARE_LEGAL_PERSON)):  # fmt: skip
        serving = [item for item in items if item.audience in (audience, "both")]
        on_phone = sum(item.phone_handling for item in serving)
        if serving and on_phone / len(serving) < share:
            yield _catalogue_problem(loaded, "phone_handling", f"{on_phone}/{len(serving)} {audience} items are "
                                     f"handled on the phone, below {share:.0%}")  # fmt: skip
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
            yield loaded.where(item).problem(item.code, "name", f"`{item.name}` already names the item at "
                                                                f"{other.file}:{other.lines.line} in the same scope")  # fmt: skip
        else:
            scopes[scope] = item
    copies: dict[str, list[ServiceItem]] = defaultdict(list)
    for item in items:
        if item.level == "district":
            copies[item.basic_code].append(item)
    for group in copies.values():
        if len({item.district for item in group}) != district_count:
            item = group[0]
            yield loaded.where(item).problem(item.code, "district", f"a district-level kind exists once in each of "
                                             f"the {district_count} districts, found {len(group)}")  # fmt: skip
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
    departments = {department.slug: department for department in catalog.departments}
    themes = {theme.code for theme in catalog.themes}
    licences = {licence.code for licence in catalog.e_licence_types}
    districts = {district.code for district in catalog.districts}
    problems = list(_check_reference(loaded, targets))
    for item in catalog.items:
        problems.extend(_check_item(item, loaded, departments, themes, licences, districts))
    problems.extend(_check_uniqueness(loaded, len(districts)))
    problems.extend(_check_totals(loaded, targets))
    problems.extend(check_render_specs(loaded, check_spec))
    return problems
