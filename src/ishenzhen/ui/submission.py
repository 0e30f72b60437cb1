"""Checking submitted form data against the render spec the app drew: the one implementation.

``/v1/app/items/{code}/form/validate`` calls it now; the handling of applications will call it on submission.
Every problem is reported at once, each with a JSON pointer into the submitted object (``/contact_mobile``,
``/delivery_address/district``, ``/material_3/0``). It never raises, whatever ``data`` holds.

Value shapes: text, date (``YYYY-MM-DD``), resident ID, mobile, select and radio take a string; a number a
JSON number; a checkbox a list of option values; an address ``{"district": "440304", "detail": "…"}``; an
upload a list of upload ids (``upl_…``, from the upload endpoint); an e-licence picker a licence reference
(``elc_…``, from the wallet) or, instead, a list of upload ids of the same material; an agreement ``true``;
a repeat a list of entries, each an object keyed by the group's field ids (problems point into it:
``/shareholders/2/id_number``; a key the group does not have is refused like an unknown top-level key).

Hidden fields: a field whose ``visible_when`` (or whose section's) does not hold is not shown, so its value
is **ignored**, not refused: an app may keep what was typed before the applicant changed their mind. It is
also treated as absent by the conditions of other fields. The same holds inside each entry of a repeat,
whose fields' conditions read the entry first and the (visible) top-level values second. Callers storing the
data keep only ``visible_values(...)``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from ishenzhen.lib.validators import is_valid_mobile, is_valid_resident_id
from ishenzhen.ui._walk import Located, compile_pattern, escape, fields, group_fields
from ishenzhen.ui.checks import SpecProblem, SpecReferences
from ishenzhen.ui.model import (
    AddressInput,
    Agreement,
    AllOf,
    AnyOf,
    CheckboxInput,
    Condition,
    DateInput,
    ELicencePicker,
    FieldComponent,
    FieldEquals,
    FieldFilled,
    FieldIn,
    MobileInput,
    Not,
    NumberInput,
    RadioInput,
    RenderSpec,
    Repeat,
    ResidentIdInput,
    SelectInput,
    TextInput,
    UploadSlot,
)

__all__ = ["LICENCE_REFERENCE", "UPLOAD_ID", "validate_submission", "visible_values"]

UPLOAD_ID = re.compile(r"upl_[A-Za-z0-9]{8,64}")
LICENCE_REFERENCE = re.compile(r"elc_[A-Za-z0-9]{8,64}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ADDRESS_DETAIL_MAX = 200


def _empty(value: object) -> bool:
    """Not answered: absent, null, or an empty text, list or object."""
    return value is None or (isinstance(value, str | list | dict) and not value)


def _filled(value: object) -> bool:
    # For ``filled`` conditions an unticked agreement (``false``) counts as not filled.
    return not _empty(value) and value is not False


def _same(a: object, b: object) -> bool:
    # ``True == 1`` in Python; a condition on a yes/no field must not match the number 1.
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def _holds(condition: Condition, data: dict[str, Any]) -> bool:
    if isinstance(condition, FieldEquals | FieldIn):
        wanted = [condition.value] if isinstance(condition, FieldEquals) else condition.values
        value = data.get(condition.field)
        values = value if isinstance(value, list) else [value]
        return any(_same(v, w) for v in values for w in wanted)
    if isinstance(condition, FieldFilled):
        return _filled(data.get(condition.field))
    if isinstance(condition, AllOf):
        return all(_holds(inner, data) for inner in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(_holds(inner, data) for inner in condition.conditions)
    assert isinstance(condition, Not)
    return not _holds(condition.condition, data)


def _shown(located: Located, data: dict[str, Any]) -> bool:
    field = located.component
    conditions = (*located.enclosing, field.visible_when) if field.visible_when else located.enclosing  # type: ignore[union-attr]  # fields() yields field components only
    return all(_holds(condition, data) for condition in conditions)


def _settle(
    every: list[Located], data: dict[str, Any], outer: dict[str, Any]
) -> tuple[list[Located], dict[str, Any]]:
    """The fields shown for ``data`` and the values that count (hidden fields' values dropped).

    Conditions may read fields that are themselves hidden, so visibility is recomputed until it settles;
    a chain of conditions settles in at most one round per field (``Not`` can oscillate: the cap stops it).
    ``outer``: what conditions read besides ``data`` (the top-level values, for an entry of a repeat).
    """
    effective = data
    shown: list[Located] = every
    for _round in range(len(every) + 1):
        scope = {**outer, **effective} if outer else effective
        shown = [located for located in every if _shown(located, scope)]
        ids = {located.component.id for located in shown}  # type: ignore[union-attr]  # fields() yields field components only
        narrowed = {key: value for key, value in data.items() if key in ids}
        if narrowed == effective:
            break
        effective = narrowed
    return shown, effective


def _visible(spec: RenderSpec, data: dict[str, Any]) -> tuple[list[Located], dict[str, Any]]:
    return _settle(list(fields(spec.form)), data, {})


def visible_values(spec: RenderSpec, data: dict[str, Any]) -> dict[str, Any]:
    """The submitted values of the fields the applicant saw: what an application stores.

    Inside a repeat's entries too: each entry keeps only the values of its shown fields.
    """
    shown, settled = _visible(spec, data)
    effective = dict(settled)  # ``settled`` may be ``data`` itself: the caller's object stays untouched
    for located in shown:
        group = located.component
        entries = effective.get(group.id)  # type: ignore[union-attr]  # fields() yields field components only
        if isinstance(group, Repeat) and isinstance(entries, list):
            every = group_fields(group, located.pointer)
            effective[group.id] = [
                _settle(every, entry, effective)[1] if isinstance(entry, dict) else entry for entry in entries
            ]
    return effective


def validate_submission(
    spec: RenderSpec, data: object, refs: SpecReferences, today: dt.date
) -> list[SpecProblem]:
    if not isinstance(data, dict):
        return [SpecProblem(pointer="", reason="the form data must be a JSON object")]
    known = {located.component.id for located in fields(spec.form)}  # type: ignore[union-attr]  # fields() yields field components only
    problems = [
        SpecProblem(pointer=f"/{escape(str(key))}", reason="this form has no such field")
        for key in data
        if key not in known
    ]
    shown, effective = _visible(spec, data)
    for located in shown:
        field = located.component
        pointer = f"/{escape(field.id)}"  # type: ignore[union-attr]  # fields() yields field components only
        for sub, reason in _problems(located, effective, effective, refs, today):
            problems.append(SpecProblem(pointer=pointer + sub, reason=reason))
    return problems


def _problems(
    located: Located, values: dict[str, Any], scope: dict[str, Any], refs: SpecReferences, today: dt.date
) -> list[tuple[str, str]]:
    """What is wrong with one shown field's value in ``values`` (conditions read ``scope``)."""
    field = located.component
    value = values.get(field.id)  # type: ignore[union-attr]  # fields() yields field components only
    if isinstance(field, Repeat):
        if _empty(value):
            return [("", "required")] if field.required else []
        return _repeat(field, located.pointer, value, scope, refs, today)
    assert isinstance(field, FieldComponent)
    required = field.required or (field.required_when is not None and _holds(field.required_when, scope))
    if isinstance(field, Agreement) and value is False:
        return [("", "must be accepted")] if required else []
    if _empty(value):
        return [("", "required")] if required else []
    return _check_value(field, value, refs, today)


def _repeat(
    group: Repeat, pointer: str, value: Any, top: dict[str, Any], refs: SpecReferences, today: dt.date
) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        return [("", "must be a list of entries (JSON objects)")]
    if len(value) > group.max_items:  # the entries are not looked at: the work stays bounded
        return [("", f"at most {group.max_items} entries")]
    problems: list[tuple[str, str]] = []
    low = max(group.min_items, 1 if group.required else 0)
    if len(value) < low:
        problems.append(("", f"at least {low} entries"))
    every = group_fields(group, pointer)
    known = {field.id for field in group.components}
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            problems.append((f"/{index}", "each entry must be a JSON object"))
            continue
        problems += [
            (f"/{index}/{escape(str(key))}", "this group has no such field")
            for key in entry
            if key not in known
        ]
        shown, effective = _settle(every, entry, top)
        scope = {**top, **effective}
        for located in shown:
            for sub, reason in _problems(located, effective, scope, refs, today):
                problems.append((f"/{index}/{escape(located.component.id)}{sub}", reason))  # type: ignore[union-attr]  # fields() yields field components only
    return problems


def _check_value(
    field: FieldComponent, value: Any, refs: SpecReferences, today: dt.date
) -> list[tuple[str, str]]:
    if isinstance(field, TextInput):
        return _text(field, value)
    if isinstance(field, NumberInput):
        return _number(field, value)
    if isinstance(field, DateInput):
        return _date(field, value, today)
    if isinstance(field, SelectInput | RadioInput):
        options = {option.value for option in field.options}
        return [] if isinstance(value, str) and value in options else [("", "not one of the options")]
    if isinstance(field, CheckboxInput):
        return _checkbox(field, value)
    if isinstance(field, ResidentIdInput):
        ok = isinstance(value, str) and is_valid_resident_id(value, today=today)
        return [] if ok else [("", "not a valid resident ID number (18 characters, check digit)")]
    if isinstance(field, MobileInput):
        ok = isinstance(value, str) and is_valid_mobile(value)
        return [] if ok else [("", "not a mainland mobile number (11 digits starting 13-19)")]
    if isinstance(field, AddressInput):
        return _address(field, value, refs)
    if isinstance(field, UploadSlot):
        return _uploads(value, field.max_files)
    if isinstance(field, ELicencePicker):
        if isinstance(value, str):
            return [] if LICENCE_REFERENCE.fullmatch(value) else [("", "not an e-licence reference (elc_…)")]
        return _uploads(value, 20)
    assert isinstance(field, Agreement)
    return [] if value is True else [("", "must be true (accepted)")]


def _text(field: TextInput, value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, str):
        return [("", "must be text")]
    if any(ord(ch) < 32 and not (field.multiline and ch in "\n\t") for ch in value):
        return [("", "control characters are not allowed" + ("" if field.multiline else " (single line)"))]
    if len(value) > field.max_length:
        return [("", f"at most {field.max_length} characters")]
    if field.min_length is not None and len(value) < field.min_length:
        return [("", f"at least {field.min_length} characters")]
    if field.pattern is not None:
        program = compile_pattern(field.pattern)
        if program is None:
            return [("", "this field's pattern in the form is invalid; the form cannot be submitted")]
        if program.fullmatch(value) is None:  # type: ignore[attr-defined]  # re2's compiled pattern has no stubs
            return [("", field.pattern_message or "does not have the required format")]
    return []


def _number(field: NumberInput, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return [("", "must be a number")]
    if field.integer and value != int(value):
        return [("", "must be a whole number")]
    if field.minimum is not None and value < field.minimum:
        return [("", f"at least {field.minimum:g}")]
    if field.maximum is not None and value > field.maximum:
        return [("", f"at most {field.maximum:g}")]
    return []


def _bound(text: str | None, today: dt.date) -> dt.date | None:
    if text is None:
        return None
    if text == "today":
        return today
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # the spec check reports it; a bad bound does not bind
        return None


def _date(field: DateInput, value: Any, today: dt.date) -> list[tuple[str, str]]:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return [("", "must be a date as YYYY-MM-DD")]
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return [("", "not a calendar date")]
    earliest, latest = _bound(field.earliest, today), _bound(field.latest, today)
    if earliest is not None and day < earliest:
        return [("", f"on or after {earliest.isoformat()}")]
    if latest is not None and day > latest:
        return [("", f"on or before {latest.isoformat()}")]
    return []


def _checkbox(field: CheckboxInput, value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        return [("", "must be a list of option values")]
    options = {option.value for option in field.options}
    problems = [
        (f"/{index}", "not one of the options")
        for index, chosen in enumerate(value)
        if not isinstance(chosen, str) or chosen not in options
    ]
    if len(set(map(str, value))) != len(value):
        problems.append(("", "an option is ticked twice"))
    if field.min_selected is not None and len(value) < field.min_selected:
        problems.append(("", f"tick at least {field.min_selected}"))
    if field.max_selected is not None and len(value) > field.max_selected:
        problems.append(("", f"tick at most {field.max_selected}"))
    return problems


def _address(field: AddressInput, value: Any, refs: SpecReferences) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return [("", 'must be an object {"district": …, "detail": …}')]
    problems = [(f"/{escape(str(key))}", "unknown key") for key in value if key not in ("district", "detail")]
    district, detail = value.get("district"), value.get("detail")
    allowed = refs.districts if field.districts is None else refs.districts & set(field.districts)
    if not isinstance(district, str) or not district:
        problems.append(("/district", "required"))
    elif district not in allowed:
        problems.append(("/district", "not a district you can choose here"))
    if not isinstance(detail, str) or not detail.strip():
        problems.append(("/detail", "required"))
    elif len(detail) > _ADDRESS_DETAIL_MAX or any(ord(ch) < 32 for ch in detail):
        problems.append(("/detail", f"one line of at most {_ADDRESS_DETAIL_MAX} characters"))
    return problems


def _uploads(value: Any, max_files: int) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        return [("", "must be a list of upload ids")]
    problems = [
        (f"/{index}", "not an upload id (upl_…)")
        for index, upload in enumerate(value)
        if not isinstance(upload, str) or not UPLOAD_ID.fullmatch(upload)
    ]
    if len(value) > max_files:
        problems.append(("", f"at most {max_files} files"))
    if len(set(map(str, value))) != len(value):
        problems.append(("", "the same file is attached twice"))
    return problems
