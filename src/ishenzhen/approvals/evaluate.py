"""``decide(rule_set, form, facts)``: pure, explainable evaluation. No I/O, no clock, no randomness.

Order of judgement: a source the rule set needs that was unavailable or contradictory sends the case to a
clerk; otherwise a definite failure of a rejecting condition rejects (the applicant learns why and how to apply
with a clerk); otherwise anything undecided (missing data, a failed manual-review condition, no tier matching)
goes to a clerk; only when every condition is met does the rule set approve. Missing data never approves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cel

from ishenzhen.approvals.facts import (
    DISTRICT_NAMES,
    FACT_SCHEMA,
    SOURCE_LABELS,
    Facts,
    context_of,
)
from ishenzhen.approvals.language import Expression
from ishenzhen.approvals.rule_set import Condition, RuleSet, Text
from ishenzhen.approvals.schemas import Check, Decision

__all__ = ["decide", "render"]

_PLACEHOLDER_NO_DATA = ("（无数据）", "(no data)")
_MAX_FORM_TEXT = 200


def _form_values(rule_set: RuleSet, form: Mapping[str, Any]) -> dict[str, Any]:
    """The declared form fields of the right type; anything else reads as missing."""
    values: dict[str, Any] = {}
    for name, kind in rule_set.form.items():
        value = form.get(name)
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            values[name] = value
        elif kind == "bool" and isinstance(value, bool):
            values[name] = value
        elif kind in ("string", "date") and isinstance(value, str) and len(value) <= _MAX_FORM_TEXT:
            values[name] = value
        elif kind == "address" and isinstance(value, Mapping):
            district = value.get("district")
            if isinstance(district, str) and len(district) <= _MAX_FORM_TEXT:
                values[name] = district
    return values


def _lookup(variables: Mapping[str, Any], path: str) -> Any:
    node: Any = variables
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _label(path: str, value: Any, language: int) -> str:
    if value is None:
        return _PLACEHOLDER_NO_DATA[language]
    if isinstance(value, bool):
        return ("是", "yes")[language] if value else ("否", "no")[language]
    if isinstance(value, list):
        return "、".join(str(item) for item in value) if value else ("无", "none")[language]
    parts = path.split(".")
    namespace = FACT_SCHEMA.get(parts[0])
    if namespace is not None:
        spec = namespace.fields.get(parts[-1])
        if spec is not None and spec.values is not None and value in spec.values:
            return spec.values[value][language]
    if parts[-1].endswith("district") and value in DISTRICT_NAMES:
        return DISTRICT_NAMES[value][language]
    if isinstance(value, str) and value in DISTRICT_NAMES and parts[0] in ("params", "form"):
        return DISTRICT_NAMES[value][language]
    return str(value)


def render(text: str, variables: Mapping[str, Any], language: int) -> str:
    """Fill ``{path}`` placeholders with labelled values (0: zh, 1: en)."""
    out: list[str] = []
    position = 0
    while (start := text.find("{", position)) != -1:
        end = text.find("}", start)
        if end == -1:
            break
        out.append(text[position:start])
        path = text[start + 1 : end]
        out.append(_label(path, _lookup(variables, path), language))
        position = end + 1
    out.append(text[position:])
    return "".join(out)


def _evaluate(expression: Expression, context: cel.Context) -> bool | None:
    try:
        value = expression.evaluate(context)
    except (KeyError, TypeError, ValueError, RuntimeError, ArithmeticError):
        return None  # missing or malformed data (or a division by zero): this condition cannot decide
    return value if isinstance(value, bool) else None


def _data(expressions: list[Expression], variables: Mapping[str, Any]) -> dict[str, Any]:
    used: dict[str, Any] = {}
    for expression in expressions:
        for ref in expression.fields:
            used[ref.path] = _lookup(variables, ref.path)
        for name in expression.form_fields:
            used[f"form.{name}"] = _lookup(variables, f"form.{name}")
    return used


def _undecided_text(data: Mapping[str, Any]) -> Text:
    missing = [path for path, value in data.items() if value is None]
    labels_zh: list[str] = []
    labels_en: list[str] = []
    for path in missing or list(data):
        parts = path.split(".")
        namespace = FACT_SCHEMA.get(parts[0])
        spec = namespace.fields.get(parts[-1]) if namespace is not None else None
        if namespace is not None and namespace.keys is not None and len(parts) == 3:
            key = namespace.keys.get(parts[1], (parts[1], parts[1]))
            labels_zh.append(f"{key[0]}{spec.zh if spec else ''}")
            labels_en.append(f"{key[1]} {spec.en if spec else ''}".strip())
        elif spec is not None:
            labels_zh.append(spec.zh)
            labels_en.append(spec.en)
        else:
            labels_zh.append(path)
            labels_en.append(path)
    return Text(
        "无法自动核验，缺少数据：" + "、".join(labels_zh),
        "Cannot be checked automatically; data missing: " + ", ".join(labels_en),
    )


def _check(condition: Condition, context: cel.Context, variables: Mapping[str, Any]) -> Check:
    expressions = [condition.when] if condition.applies_if is None else [condition.applies_if, condition.when]
    data = _data(expressions, variables)
    if condition.applies_if is not None:
        applies = _evaluate(condition.applies_if, context)
        if applies is False:
            return Check(
                id=condition.id,
                result="not_applicable",
                data=data,
                text_zh="不适用",
                text_en="Not applicable",
            )
        if applies is None:
            text = _undecided_text(data)
            return Check(id=condition.id, result="undecided", data=data, text_zh=text.zh, text_en=text.en)
    value = _evaluate(condition.when, context)
    if value is None:
        text = _undecided_text(data)
        return Check(id=condition.id, result="undecided", data=data, text_zh=text.zh, text_en=text.en)
    template = condition.met if value else condition.not_met
    return Check(
        id=condition.id,
        result="met" if value else "not_met",
        data=data,
        text_zh=render(template.zh, variables, 0),
        text_en=render(template.en, variables, 1),
    )


def _source_checks(rule_set: RuleSet, facts: Facts) -> list[Check]:
    checks: list[Check] = []
    for source, fields in rule_set.needs.items():
        state = facts.states.get(source, "ok")
        if state not in ("unavailable", "inconsistent"):
            continue
        zh, en = SOURCE_LABELS[source]
        if state == "unavailable":
            text = Text(
                f"{zh}暂时无法访问，转人工审核", f"The {en} could not be reached; a clerk will review"
            )
        else:
            why = facts.problems.get(source, "")
            text = Text(
                f"{zh}数据不一致，转人工审核{('：' + why) if why else ''}",
                f"The {en} returned contradictory data; a clerk will review",
            )
        checks.append(
            Check(
                id=f"source.{source}",
                result="undecided",
                data={"fields": list(fields)},
                text_zh=text.zh,
                text_en=text.en,
            )
        )
    return checks


def decide(rule_set: RuleSet, form: Mapping[str, Any], facts: Facts) -> Decision:
    """The decision for one application, with every check explained in Chinese and English."""
    variables = context_of(facts)
    variables["params"] = dict(rule_set.params)
    variables["form"] = _form_values(rule_set, form)
    context = cel.Context(variables=variables)
    source_checks = _source_checks(rule_set, facts)
    checks = [_check(condition, context, variables) for condition in rule_set.conditions]
    on_false = {condition.id: condition.on_false for condition in rule_set.conditions}
    rejecting = [c for c in checks if c.result == "not_met" and on_false[c.id] == "reject"]
    for_clerk = [
        c
        for c in checks
        if c.result == "undecided" or (c.result == "not_met" and on_false[c.id] == "manual_review")
    ]
    tier_id: str | None = None
    tier_result: dict[str, str | int | bool] = {}
    outcome: str
    if source_checks:
        # A rule that read a source we could not trust proves nothing either way, so only the sources are named.
        outcome, failed = "manual_review", source_checks
    elif rejecting:
        outcome, failed = "rejected", rejecting
    elif for_clerk:
        outcome, failed = "manual_review", for_clerk
    else:
        outcome, failed = "approved", []
        if rule_set.tiers:
            for tier in rule_set.tiers:
                if _evaluate(tier.when, context) is True:
                    tier_id, tier_result = tier.id, dict(tier.result)
                    checks.append(
                        Check(
                            id=f"tier.{tier.id}",
                            result="met",
                            data=_data([tier.when], variables),
                            text_zh=render(tier.text.zh, variables, 0),
                            text_en=render(tier.text.en, variables, 1),
                        )
                    )
                    break
            else:
                undecided = Check(
                    id="tier",
                    result="undecided",
                    data=_data([t.when for t in rule_set.tiers], variables),
                    text_zh="规则无法确定适用档次，转人工审核",
                    text_en="No tier applies; a clerk will review",
                )
                checks.append(undecided)
                outcome, failed = "manual_review", [undecided]
    clerk = (
        (render(rule_set.clerk.zh, variables, 0), render(rule_set.clerk.en, variables, 1))
        if outcome != "approved"
        else ("", "")
    )
    return Decision(
        outcome=outcome,  # type: ignore[arg-type]
        item=rule_set.item,
        rule_set_version=rule_set.version,
        decided_on=facts.on.isoformat(),
        checks=source_checks + checks,
        reasons_zh=[c.text_zh for c in failed],
        reasons_en=[c.text_en for c in failed],
        clerk_zh=clerk[0],
        clerk_en=clerk[1],
        tier=tier_id,
        result=tier_result,
    )
