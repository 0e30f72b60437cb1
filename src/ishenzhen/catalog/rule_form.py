"""The form fields an instant-approval item's rules read, asked for in its form.

A rule set declares what it reads under ``form:`` (``approvals.FormField``). An item on the default spec gets
one step that asks each declared field with the declaration's label, bounds and choices, so the rule set stays
the one place a department says what the decision needs. ``unasked_fields`` says which declared fields a form
(hand-written or default) would not deliver in the type the rules compare: a rule reading such a field can
never decide, and every application would go to a clerk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypedDict

from ishenzhen.approvals import FormField, RuleSet, check_choices
from ishenzhen.ui.model import (
    AddressInput,
    Agreement,
    Component,
    DateInput,
    FieldComponent,
    Form,
    FormStep,
    Notice,
    NumberInput,
    Option,
    RadioInput,
    Section,
    SelectInput,
    TextInput,
)

__all__ = ["RULE_FIELDS_STEP", "rule_fields_step", "unasked_fields"]

RULE_FIELDS_STEP = "application_details"
# What ``approvals.decide`` reads of a text answer; a longer one reads as missing.
_MAX_TEXT = 200
# The components whose submitted value has the type a rule set declares.
_COMPONENTS_FOR: dict[str, tuple[type[FieldComponent], ...]] = {
    "int": (NumberInput,),
    "string": (TextInput, SelectInput, RadioInput),
    "date": (DateInput,),
    "bool": (Agreement,),
    "address": (AddressInput,),
}


class _Common(TypedDict):
    id: str
    label: str
    label_en: str
    required: bool


def _component(field: FormField) -> FieldComponent | None:
    """How the default form asks ``field``; None for one it cannot ask (no label, or a yes/no answer)."""
    label = field.label
    if label is None:
        return None
    common = _Common(id=field.name, label=label.zh, label_en=label.en, required=True)
    match field.type:
        case "int":
            return NumberInput(**common, integer=True, minimum=field.minimum, maximum=field.maximum)
        case "string" if field.choices:
            options = [Option(value=c.value, label=c.label.zh, label_en=c.label.en) for c in field.choices]
            return SelectInput(**common, options=options)
        case "string":
            return TextInput(**common, max_length=_MAX_TEXT)
        case "date":
            return DateInput(**common)
        case "address":
            return AddressInput(**common)
    # A spec 1.0 form has no component that answers true or false (an agreement only ever sends true).
    return None


def rule_fields_step(rule_set: RuleSet, asked: set[str]) -> FormStep | None:
    """The step asking the declared fields not already in ``asked`` (ids of the rest of the form)."""
    components: list[Component] = []
    for field in rule_set.form_fields:
        if field.name not in asked and (component := _component(field)) is not None:
            components.append(component)
    if not components:
        return None
    notice = Notice(
        text="系统将根据以下信息自动审批（秒批），请如实填写。",
        text_en="The instant decision reads these answers: give them truthfully.",
    )
    return FormStep(
        id=RULE_FIELDS_STEP,
        title="申报信息",
        title_en="Application details",
        components=[notice, *components],
    )


def _top_level(components: Sequence[Component]) -> Iterator[Component]:
    # A repeat's fields arrive as lists of entries, never as one value a rule could read.
    for component in components:
        yield component
        if isinstance(component, Section):
            yield from _top_level(component.components)


def _submitted_fields(form: Form) -> dict[str, FieldComponent]:
    found: dict[str, FieldComponent] = {}
    for step in form.steps:
        for component in _top_level(step.components):
            if isinstance(component, FieldComponent):
                found.setdefault(component.id, component)
    return found


def _why_unasked(field: FormField, component: FieldComponent | None, rule_set: RuleSet) -> str | None:
    if component is None:
        if field.label is None:
            return "表单没有此字段；默认表单须有标签才能询问 not in the form; the default form asks it only with a label"
        if field.type == "bool":
            return "表单没有此字段；默认表单不能询问是否题，须手写表单 not in the form; the default form asks no yes/no"
        return "表单没有此字段 not a field of the form"
    accepted = _COMPONENTS_FOR[field.type]
    if not isinstance(component, accepted):
        names = "、".join(kind.__struct_config__.tag for kind in accepted)  # type: ignore[misc]
        return f"须为 {names} 组件 must be a {names} component, not {component.__struct_config__.tag}"
    if isinstance(component, NumberInput) and not component.integer:
        return "须为整数输入 must be a whole-number input (integer: true)"
    if isinstance(component, SelectInput | RadioInput):
        offered = {field.name: [option.value for option in component.options]}
        problems = check_choices(rule_set, offered)
        if problems:
            return f"表单选项下规则 {problems[0].name}：{problems[0].reason} with the form's options"
    return None


def unasked_fields(form: Form, rule_set: RuleSet) -> list[tuple[str, str]]:
    """(field, why) for each field ``rule_set`` reads that ``form`` does not deliver as the rules compare it."""
    submitted = _submitted_fields(form)
    problems: list[tuple[str, str]] = []
    for field in rule_set.form_fields:
        reason = _why_unasked(field, submitted.get(field.name), rule_set)
        if reason is not None:
            problems.append((field.name, reason))
    return problems
