"""The national-element rules of ONE service item, without files or line numbers.

Used by the catalogue's validator (which adds file and line) and by the registry (which turns each problem
into a JSON pointer). ``field`` is a top-level key of ``ServiceItem``; ``index`` the list position, if any.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass

from ishenzhen.catalog.model import Department, ServiceItem
from ishenzhen.catalog.source.codes import BASIC_CODE, ITEM_TYPE_CODES, SHENZHEN_DIVISION, implementation_code
from ishenzhen.lib.validators import is_valid_credit_code

__all__ = ["PHONE", "ItemProblem", "ItemReferences", "check_item"]

PHONE = re.compile(r"0755-[0-9]{8}|12[0-9]{3}")
_PLACEHOLDER_NAME = re.compile(r"^(事项|item)\s*[0-9]+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ItemProblem:
    field: str
    reason: str
    index: int | None = None


@dataclass(frozen=True, slots=True)
class ItemReferences:
    """What an item may refer to: departments by slug; codes of themes, e-licence types and districts."""

    departments: Mapping[str, Department]
    themes: Set[str]
    licences: Set[str]
    districts: Set[str]


def check_item(item: ServiceItem, references: ItemReferences) -> list[ItemProblem]:
    return [*_check_codes(item, references), *_check_contents(item, references), *_check_handling(item)]


def _check_codes(item: ServiceItem, references: ItemReferences) -> Iterator[ItemProblem]:
    department = references.departments.get(item.department)
    if department is None:
        yield ItemProblem("department", f"unknown department `{item.department}`")
    if item.level == "city" and item.district is not None:
        yield ItemProblem("district", "a city-level item has no district")
    if item.level == "district" and item.district not in references.districts:
        yield ItemProblem("district", f"a district-level item needs a known district, got `{item.district}`")
    division = SHENZHEN_DIVISION if item.level == "city" else item.district or ""
    if not BASIC_CODE.fullmatch(item.basic_code):
        yield ItemProblem("basic_code", "expected 12 digits")
    elif item.basic_code[:2] != ITEM_TYPE_CODES[item.item_type]:
        yield ItemProblem(
            "basic_code",
            f"starts {item.basic_code[:2]}, but {item.item_type} items start "
            f"{ITEM_TYPE_CODES[item.item_type]}",
        )
    if item.code != item.basic_code + division:
        yield ItemProblem("code", f"expected basic code + division code `{item.basic_code + division}`")
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
            yield ItemProblem(
                "implementing_body", f"{department.name} has no body in district `{item.district}`"
            )
        elif body.name != expected_body[0] or (
            # A broken department code is reported once, on the department, not again on each of its items.
            is_valid_credit_code(expected_body[1]) and body.credit_code != expected_body[1]
        ):
            yield ItemProblem("implementing_body", f"expected {expected_body[0]} ({expected_body[1]})")
    if not is_valid_credit_code(body.credit_code):
        yield ItemProblem(
            "implementing_body", f"`{body.credit_code}` is not a valid unified social credit code"
        )
    expected_implementation = implementation_code(item.basic_code, division, body.credit_code)
    if (
        item.implementation_code[:-3] != expected_implementation[:-3]
        or not item.implementation_code[-3:].isdigit()
    ):
        yield ItemProblem(
            "implementation_code",
            "expected basic code + division + implementing body's credit code + 3-digit sequence, "
            f"e.g. `{expected_implementation}`",
        )


def _check_contents(item: ServiceItem, references: ItemReferences) -> Iterator[ItemProblem]:
    if not item.name.strip() or _PLACEHOLDER_NAME.match(item.name):
        yield ItemProblem("name", f"`{item.name}` is not a service name")
    for index, theme in enumerate(item.themes):
        if theme not in references.themes:
            yield ItemProblem("themes", f"unknown theme `{theme}`", index)
    if not item.themes:
        yield ItemProblem("themes", "at least one theme")
    for index, material in enumerate(item.materials):
        if material.e_licence_type is not None and material.e_licence_type not in references.licences:
            yield ItemProblem("materials", f"unknown e-licence type `{material.e_licence_type}`", index)
        if item.phone_handling and material.required and material.form == "paper":
            yield ItemProblem("materials", "a paper-only material cannot be handed in on the phone", index)
    if not item.materials:
        yield ItemProblem("materials", "at least one material")
    for index, fee in enumerate(item.fees):
        if fee.charged and not (fee.standard and fee.basis):
            yield ItemProblem("fees", "a charged fee needs its standard and its basis", index)
    if not item.legal_basis:
        yield ItemProblem("legal_basis", "at least one legal basis")


def _check_handling(item: ServiceItem) -> Iterator[ItemProblem]:
    if item.promised_days > item.statutory_days:
        yield ItemProblem(
            "promised_days", f"promised {item.promised_days} days, statutory limit {item.statutory_days}"
        )
    if (item.case_type == "immediate") != (item.promised_days == 0):
        yield ItemProblem(
            "case_type", "an immediate case (即办件) is promised in 0 days, a promised case in 1 or more"
        )
    if item.visits > 0 and not item.visit_reason:
        yield ItemProblem("visit_reason", "say why a visit to a hall is needed")
    if item.visits == 0 and item.visit_reason:
        yield ItemProblem("visit_reason", "an item needing no visit has no visit reason")
    if item.phone_handling and (
        item.visits or "phone" not in item.channels or item.online_depth != "full_online"
    ):
        yield ItemProblem(
            "phone_handling",
            "handled entirely on the phone means 0 visits, the phone channel and full_online depth",
        )
    if item.instant_approval and not item.phone_handling:
        yield ItemProblem("instant_approval", "an instant-approval item is handled entirely on the phone")
    if len(set(item.channels)) != len(item.channels) or not item.channels:
        yield ItemProblem("channels", "list each channel once, at least one")
    if not PHONE.fullmatch(item.enquiry_phone):
        yield ItemProblem("enquiry_phone", "expected 0755-xxxxxxxx or a 123xx hotline")
