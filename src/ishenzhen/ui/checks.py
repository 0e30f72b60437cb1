"""What msgspec cannot check about a render spec: references, uniqueness, and rules that must make sense.

``check_spec`` returns every problem at once (a department fixes them in one round), each with a JSON pointer
relative to the spec root. It never raises for a spec that decoded.

Repeats (spec 1.1): the ids of a group's fields are unique within the group; a condition of a field inside a
group may read the fields of the same entry and the top-level fields (the entry's own field wins when both
have the id); a condition outside a group cannot read a field inside one (there is one value per entry), and
may test the repeat itself only with ``filled`` (has at least one entry). Fields inside a group take no
prefill. A spec using ``repeat`` must declare ``spec_version`` 1.1 or later.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection

from ishenzhen.lib.structs import Struct
from ishenzhen.ui._walk import compile_pattern, condition_fields, fields, node_type, walk
from ishenzhen.ui.model import (
    INTRODUCED_IN,
    SPEC_VERSION,
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
    FieldIn,
    Not,
    Notice,
    NumberInput,
    Prefill,
    RadioInput,
    RenderSpec,
    Repeat,
    Section,
    SelectInput,
    SubmittedComponent,
    TextInput,
    UploadSlot,
)
from ishenzhen.ui.prefill import LICENCE_PATHS

__all__ = ["PROFILE_PATHS", "SpecProblem", "SpecReferences", "check_spec"]

Add = Callable[[str, str], None]

# What ``ui.prefill`` can take from a signed-in citizen's account.
PROFILE_PATHS = frozenset({"name", "id_number", "mobile", "enterprise.name", "enterprise.credit_code"})


class SpecProblem(Struct, frozen=True):
    """One thing wrong, at ``pointer`` (RFC 6901, from the spec root or the submission root)."""

    pointer: str
    reason: str


class SpecReferences(Struct, frozen=True):
    """The reference data a spec may name: e-licence type codes and district division codes."""

    e_licence_types: frozenset[str]
    districts: frozenset[str]


def check_spec(
    spec: RenderSpec, refs: SpecReferences, *, materials: Collection[str], owner: str
) -> list[SpecProblem]:
    """Every problem of ``spec``, published by ``owner`` (named in messages) whose materials are ``materials``.

    The spec knows nothing of catalogue items: the caller (the catalogue's ``check_item_spec``) says which
    materials an upload slot may name, so this layer depends on the render-spec model only.
    """
    problems: list[SpecProblem] = []

    def add(pointer: str, reason: str) -> None:
        problems.append(SpecProblem(pointer=pointer, reason=reason))

    if not spec.form.steps:
        add("/form/steps", "the form needs at least one step")
    if not spec.guide.sections:
        add("/guide/sections", "the guide needs at least one section")
    _unique([s.id for s in spec.guide.sections], "/guide/sections", "section id", add)
    _unique([s.id for s in spec.form.steps], "/form/steps", "step id", add)

    _minor = _minor_version
    declared = _minor(spec.spec_version)
    if declared > _minor(SPEC_VERSION):
        add("/spec_version", f"this server knows render spec versions up to {SPEC_VERSION}")

    field_ids = Counter(located.component.id for located in fields(spec.form))  # type: ignore[union-attr]  # fields() yields field components only
    by_id: dict[str, SubmittedComponent] = {}
    for located in fields(spec.form):  # the first of duplicates counts (the duplicate is reported)
        by_id.setdefault(located.component.id, located.component)  # type: ignore[union-attr,arg-type]  # fields() yields field components only
    grouped = {
        field.id: located.component.id
        for located in fields(spec.form)
        if isinstance(located.component, Repeat)
        for field in located.component.components
    }
    materials = frozenset(materials)
    scopes: dict[int, tuple[dict[str, SubmittedComponent], Counter[str]]] = {}

    for located in walk(spec.form):
        pointer, component, group = located.pointer, located.component, located.group
        introduced = INTRODUCED_IN.get(node_type(component))
        if introduced is not None and declared < _minor(introduced):
            add(f"{pointer}/type", f"{node_type(component)!r} needs spec_version {introduced} or later")
        if isinstance(component, FieldComponent):
            if group is None:
                scope, ids, where = by_id, field_ids, "in the form"
            else:
                scope, ids = _group_scope(group, by_id, scopes)
                where = f"in repeat {group.id!r}"
            if ids[component.id] > 1:
                add(f"{pointer}/id", f"field id {component.id!r} is used more than once {where}")
            own = component.id
            for name in ("visible_when", "required_when"):
                condition = getattr(component, name)
                if condition is not None:
                    _check_condition(condition, f"{pointer}/{name}", own, scope, grouped, add)
            if component.prefill is not None:
                if group is not None:
                    add(f"{pointer}/prefill", "a field inside a repeat takes no prefill")
                else:
                    _check_prefill(component.prefill, f"{pointer}/prefill", refs, add)
            _check_field(component, pointer, owner, materials, refs, add)
        elif isinstance(component, Repeat):
            if field_ids[component.id] > 1:
                add(f"{pointer}/id", f"field id {component.id!r} is used more than once in the form")
            if component.visible_when is not None:
                _check_condition(
                    component.visible_when, f"{pointer}/visible_when", component.id, by_id, grouped, add
                )
            if component.required and component.min_items < 1:
                add(f"{pointer}/min_items", "a required repeat needs min_items of at least 1")
            if component.min_items > component.max_items:
                add(f"{pointer}/min_items", "min_items is greater than max_items")
        elif isinstance(component, Notice | Section) and component.visible_when is not None:
            _check_condition(component.visible_when, f"{pointer}/visible_when", None, by_id, grouped, add)
    return problems


def _minor_version(version: str) -> int:
    # The model's pattern guarantees ``1.<digits>``.
    return int(version.split(".")[1])


def _group_scope(
    group: Repeat,
    top: dict[str, SubmittedComponent],
    scopes: dict[int, tuple[dict[str, SubmittedComponent], Counter[str]]],
) -> tuple[dict[str, SubmittedComponent], Counter[str]]:
    """What a condition inside ``group`` can read (its siblings over the top level), and the id counts."""
    if id(group) not in scopes:
        siblings: dict[str, SubmittedComponent] = {}
        for field in group.components:
            siblings.setdefault(field.id, field)
        scopes[id(group)] = ({**top, **siblings}, Counter(field.id for field in group.components))
    return scopes[id(group)]


def _unique(values: list[str], pointer: str, what: str, add: Add) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            add(f"{pointer}/{index}/id", f"{what} {value!r} is used more than once")
        seen.add(value)


def _check_condition(
    condition: Condition,
    pointer: str,
    own: str | None,
    by_id: dict[str, SubmittedComponent],
    grouped: dict[str, str],
    add: Add,
) -> None:
    for where, field_id in condition_fields(condition, pointer):
        if field_id == own:
            add(where, f"a field's condition cannot depend on the field itself ({field_id!r})")
        elif field_id not in by_id and field_id in grouped:
            group = grouped[field_id]
            add(where, f"field {field_id!r} is inside repeat {group!r}: only its entries can read it")
        elif field_id not in by_id:
            add(where, f"no field {field_id!r} in this form")
    _check_condition_values(condition, pointer, by_id, add)


def _check_condition_values(
    condition: Condition, pointer: str, by_id: dict[str, SubmittedComponent], add: Add
) -> None:
    """A condition comparing a choice field with a value none of its options has can never hold."""
    if isinstance(condition, AllOf | AnyOf):
        for index, inner in enumerate(condition.conditions):
            _check_condition_values(inner, f"{pointer}/conditions/{index}", by_id, add)
    elif isinstance(condition, Not):
        _check_condition_values(condition.condition, f"{pointer}/condition", by_id, add)
    elif isinstance(condition, FieldEquals | FieldIn):
        target = by_id.get(condition.field)
        if isinstance(target, Repeat):
            add(pointer, f"repeat {condition.field!r} can only be tested with 'filled' (has an entry)")
            return
        if not isinstance(target, SelectInput | RadioInput | CheckboxInput):
            return
        known = {option.value for option in target.options}
        if isinstance(condition, FieldEquals):
            if condition.value not in known:
                add(f"{pointer}/value", f"{condition.value!r} is not an option of field {condition.field!r}")
        else:
            for index, value in enumerate(condition.values):
                if value not in known:
                    add(
                        f"{pointer}/values/{index}",
                        f"{value!r} is not an option of field {condition.field!r}",
                    )


def _check_prefill(prefill: Prefill, pointer: str, refs: SpecReferences, add: Add) -> None:
    if prefill.source == "profile":
        if prefill.path not in PROFILE_PATHS:
            known = ", ".join(sorted(PROFILE_PATHS))
            add(f"{pointer}/path", f"unknown profile path {prefill.path!r}; known: {known}")
        if prefill.licence_type is not None:
            add(f"{pointer}/licence_type", "only an e_licence prefill names a licence type")
    elif prefill.licence_type is None:
        add(f"{pointer}/licence_type", "an e_licence prefill must name the licence type")
    elif prefill.path not in LICENCE_PATHS:
        known = ", ".join(sorted(LICENCE_PATHS))
        add(f"{pointer}/path", f"unknown e-licence field {prefill.path!r}; known: {known}")
    elif prefill.licence_type not in refs.e_licence_types:
        add(f"{pointer}/licence_type", f"unknown e-licence type {prefill.licence_type!r}")


def _check_field(
    field: FieldComponent,
    pointer: str,
    owner: str,
    materials: frozenset[str],
    refs: SpecReferences,
    add: Add,
) -> None:
    if isinstance(field, TextInput):
        if field.pattern is not None and compile_pattern(field.pattern) is None:
            add(f"{pointer}/pattern", "the pattern is not a valid RE2 regular expression")
        if field.min_length is not None and field.min_length > field.max_length:
            add(f"{pointer}/min_length", "min_length is greater than max_length")
    elif isinstance(field, NumberInput):
        if field.minimum is not None and field.maximum is not None and field.minimum > field.maximum:
            add(f"{pointer}/minimum", "minimum is greater than maximum")
    elif isinstance(field, DateInput):
        bounds = {}
        for name in ("earliest", "latest"):
            value = getattr(field, name)
            if value is not None and value != "today":
                try:
                    bounds[name] = dt.date.fromisoformat(value)
                except ValueError:
                    add(f"{pointer}/{name}", f"{value!r} is not a calendar date")
        if len(bounds) == 2 and bounds["earliest"] > bounds["latest"]:
            add(f"{pointer}/earliest", "earliest is after latest")
    elif isinstance(field, SelectInput | RadioInput | CheckboxInput):
        seen: set[str] = set()
        for index, option in enumerate(field.options):
            if option.value in seen:
                add(f"{pointer}/options/{index}/value", f"option value {option.value!r} is used twice")
            seen.add(option.value)
        if isinstance(field, CheckboxInput):
            count = len(field.options)
            low, high = field.min_selected, field.max_selected
            if low is not None and low > count:
                add(f"{pointer}/min_selected", f"min_selected exceeds the {count} options")
            if high is not None and high > count:
                add(f"{pointer}/max_selected", f"max_selected exceeds the {count} options")
            if low is not None and high is not None and low > high:
                add(f"{pointer}/min_selected", "min_selected is greater than max_selected")
    elif isinstance(field, AddressInput):
        for index, code in enumerate(field.districts or []):
            if code not in refs.districts:
                add(f"{pointer}/districts/{index}", f"unknown district code {code!r}")
        if field.districts is not None and not field.districts:
            add(f"{pointer}/districts", "an empty district list leaves nothing to pick")
    elif isinstance(field, UploadSlot):
        if field.material not in materials:
            add(f"{pointer}/material", f"{owner} has no material named {field.material!r}")
    elif isinstance(field, ELicencePicker):
        if field.licence_type not in refs.e_licence_types:
            add(f"{pointer}/licence_type", f"unknown e-licence type {field.licence_type!r}")
        if field.material is not None and field.material not in materials:
            add(f"{pointer}/material", f"{owner} has no material named {field.material!r}")
    elif isinstance(field, Agreement) and not field.required:
        add(f"{pointer}/required", "an agreement must be required")
