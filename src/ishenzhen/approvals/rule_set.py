"""Rule sets as data: the document a department registers, its checks, and the compiled form that runs.

A rule set lists **conditions** (all must be met for an approval; each says whether failing it rejects or
sends the application to a clerk), optional **tiers** (first match wins; the tier's result, such as a monthly
allowance, goes into the decision) and what to tell an applicant who must see a clerk. Families of items share
one template with parameters (``services_catalog/rules/*.yaml``): ``expand_family`` turns a family file into
one rule-set document per item.

``register`` refuses a document with every problem at once, each named by a JSON pointer (RFC 6901) into
the document: unknown fields, type errors, bad placeholders, conditions that can never be met or never fail,
and tiers that earlier tiers shadow.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ishenzhen.approvals.facts import DERIVED_FROM, FACT_SCHEMA, SourceName
from ishenzhen.approvals.language import Expression, ExpressionError, compile_expression, probe_contexts
from ishenzhen.errors import FieldError, InvalidInput

__all__ = [
    "MAX_CONDITIONS",
    "MAX_TIERS",
    "Choice",
    "Condition",
    "FormField",
    "RuleSet",
    "RuleSetInvalid",
    "Text",
    "Tier",
    "check_choices",
    "expand_family",
    "family_pointer",
    "register",
]

MAX_CONDITIONS = 32
MAX_TIERS = 16
MAX_TEXT_CHARS = 300
MAX_LABEL_CHARS = 100
MAX_CHOICES = 100
# ``address``: a form's address field (district and detail); a rule reads its district code, the part the
# rules decide on (a street address is free text no rule can judge).
FORM_TYPES = frozenset({"int", "string", "bool", "date", "address"})
_ID = re.compile(r"[a-z][a-z0-9_]{0,47}")
_ITEM_CODE = re.compile(r"[0-9]{18}")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PARAM_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "string": (str,),
    "bool": (bool,),
    "list": (list,),
}


class RuleSetInvalid(InvalidInput):
    """A rule set a department may not register; ``errors`` name each problem by JSON pointer."""

    slug = "rule-set-invalid"
    title = "规则集有误 Invalid rule set"


@dataclass(frozen=True, slots=True)
class Text:
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer a string field offers; ``value`` is what the rules compare, the labels what the form shows."""

    value: str
    label: Text


@dataclass(frozen=True, slots=True)
class FormField:
    """A form field a rule set reads, with what an item without a hand-written form needs to ask for it.

    ``label`` is None for the short declaration (``tax_year: int``), which only a hand-written form can ask.
    ``choices`` (string fields) make the field a choice among them; ``minimum``/``maximum`` bound an int.
    """

    name: str
    type: str
    label: Text | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True, slots=True)
class Condition:
    id: str
    when: Expression
    applies_if: Expression | None
    on_false: Literal["reject", "manual_review"]
    met: Text
    not_met: Text


@dataclass(frozen=True, slots=True)
class Tier:
    id: str
    when: Expression
    result: Mapping[str, str | int | bool]
    text: Text


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A registered, compiled rule set: safe to evaluate any number of times, from any task."""

    item: str
    version: int
    name: str
    params: Mapping[str, Any]
    form: Mapping[str, str]
    conditions: tuple[Condition, ...]
    tiers: tuple[Tier, ...]
    clerk: Text
    # The declarations behind ``form`` (name -> type), in the order the rule set gives them.
    form_fields: tuple[FormField, ...] = ()

    @property
    def expressions(self) -> tuple[Expression, ...]:
        found: list[Expression] = []
        for condition in self.conditions:
            found.append(condition.when)
            if condition.applies_if is not None:
                found.append(condition.applies_if)
        found.extend(tier.when for tier in self.tiers)
        return tuple(found)

    @property
    def needs(self) -> dict[SourceName, tuple[str, ...]]:
        """Per platform source, the fields this rule set reads: what is fetched and what the access log names."""
        wanted: dict[SourceName, dict[str, None]] = {}
        for expression in self.expressions:
            for ref in expression.fields:
                source = FACT_SCHEMA[ref.namespace].source
                if source is not None:
                    stored = DERIVED_FROM.get((ref.namespace, ref.field), ref.field)
                    path = ".".join(p for p in (ref.namespace, ref.key, stored) if p)
                    wanted.setdefault(source, {})[path] = None
        return {source: tuple(sorted(paths)) for source, paths in wanted.items()}


class _Problems:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, pointer: str, reason: str) -> None:
        self.errors.append(FieldError(location="rule_set", name=pointer or "/", reason=reason))


def _escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _text(value: Any, pointer: str, problems: _Problems, names: set[str]) -> Text:
    if not isinstance(value, Mapping):
        problems.add(pointer, "需要 zh 与 en 两种文字 needs zh and en texts")
        return Text("", "")
    texts = {}
    for language in ("zh", "en"):
        text = value.get(language)
        where = f"{pointer}/{language}"
        if not isinstance(text, str) or not text.strip():
            problems.add(where, "缺少文字 text missing")
            texts[language] = ""
            continue
        if len(text) > MAX_TEXT_CHARS:
            problems.add(where, f"文字超过 {MAX_TEXT_CHARS} 字 longer than {MAX_TEXT_CHARS} characters")
        for placeholder in _PLACEHOLDER.findall(text):
            if placeholder not in names:
                problems.add(where, f"未知的占位符 unknown placeholder: {{{placeholder}}}")
        texts[language] = text
    for unknown in sorted(set(value) - {"zh", "en"}):
        problems.add(f"{pointer}/{_escape(unknown)}", "未知的键 unknown key")
    return Text(texts["zh"], texts["en"])


def _placeholder_names(params: Mapping[str, Any], form: Mapping[str, str]) -> set[str]:
    names = {f"params.{name}" for name in params} | {f"form.{name}" for name in form}
    for namespace_name, namespace in FACT_SCHEMA.items():
        if namespace.keys is None:
            names.update(f"{namespace_name}.{field}" for field in namespace.fields)
        else:
            names.update(
                f"{namespace_name}.{key}.{field}" for key in namespace.keys for field in namespace.fields
            )
    return names


def _expression(
    value: Any, pointer: str, problems: _Problems, form: Mapping[str, str], params: Mapping[str, Any]
) -> Expression | None:
    try:
        return compile_expression(value, form=form, params=params)
    except ExpressionError as exc:
        problems.add(pointer, exc.reason)
        return None


def _outcomes(
    expression: Expression, contexts: Sequence[dict[str, Any]]
) -> tuple[list[bool | None], str | None]:
    """Each probe's result (None where data were missing), or the first type error."""
    import cel

    results: list[bool | None] = []
    for variables in contexts:
        try:
            value = expression.evaluate(cel.Context(variables=variables))
        except KeyError:
            results.append(None)
            continue
        except ArithmeticError:  # a division by zero on some probe: data can make it happen, so it is allowed
            results.append(None)
            continue
        except (TypeError, ValueError, RuntimeError) as exc:
            message = str(exc).split(".")[0]
            return results, f"类型错误 type error: {message[:160]}"
        if not isinstance(value, bool):
            return results, f"结果必须为真或假 must be true or false, got {type(value).__name__}"
        results.append(value)
    return results, None


_FIELD_KEYS = frozenset({"type", "label", "label_en", "minimum", "maximum", "choices"})
_CHOICE_KEYS = frozenset({"value", "label", "label_en"})


def _label(value: Any, value_en: Any, pointer: str, problems: _Problems) -> Text | None:
    """A short zh label with an optional en one (the zh label stands in for it); None when absent."""
    if value is None:
        if value_en is not None:
            problems.add(f"{pointer}/label", "有英文标签须有中文标签 label_en needs a label")
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_LABEL_CHARS:
        problems.add(
            f"{pointer}/label", f"标签为不超过 {MAX_LABEL_CHARS} 字的文字 text of at most {MAX_LABEL_CHARS}"
        )
        return None
    if value_en is None:
        return Text(value, value)
    if not isinstance(value_en, str) or not value_en.strip() or len(value_en) > MAX_LABEL_CHARS:
        problems.add(
            f"{pointer}/label_en",
            f"标签为不超过 {MAX_LABEL_CHARS} 字的文字 text of at most {MAX_LABEL_CHARS}",
        )
        return None
    return Text(value, value_en)


def _choices(value: Any, pointer: str, problems: _Problems) -> tuple[Choice, ...]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_CHOICES:
        problems.add(pointer, f"选项为 1 至 {MAX_CHOICES} 项的列表 a list of 1 to {MAX_CHOICES} choices")
        return ()
    choices: list[Choice] = []
    for index, entry in enumerate(value):
        where = f"{pointer}/{index}"
        if isinstance(entry, str):
            entry = {"value": entry}
        if not isinstance(entry, Mapping):
            problems.add(where, "选项为文字或 {value, label, label_en} a text or {value, label, label_en}")
            continue
        for unknown in sorted(set(entry) - _CHOICE_KEYS, key=str):
            problems.add(f"{where}/{_escape(unknown)}", "未知的键 unknown key")
        choice = entry.get("value")
        # 64 characters: what a form's option value may hold (``ui.model.Option``).
        if not isinstance(choice, str) or not 1 <= len(choice) <= 64:
            problems.add(f"{where}/value", "选项值为 1 至 64 字的文字 text of 1 to 64 characters")
            continue
        if any(existing.value == choice for existing in choices):
            problems.add(f"{where}/value", f"选项重复 duplicate choice: {choice}")
            continue
        label = _label(entry.get("label", choice), entry.get("label_en"), where, problems)
        if label is not None:
            choices.append(Choice(choice, label))
    return tuple(choices)


def _bound(value: Any, pointer: str, problems: _Problems) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        problems.add(pointer, "界限为整数 an integer")
        return None
    return value


def _form_field(name: str, value: Any, pointer: str, problems: _Problems) -> FormField | None:
    """``int`` (the short declaration) or ``{type, label, label_en, minimum, maximum, choices}``."""
    declaration = {"type": value} if isinstance(value, str) else value
    if not isinstance(declaration, Mapping):
        problems.add(pointer, "须为类型或 {type, label, …} a type or {type, label, …}")
        return None
    for unknown in sorted(set(declaration) - _FIELD_KEYS, key=str):
        problems.add(f"{pointer}/{_escape(unknown)}", "未知的键 unknown key")
    kind = declaration.get("type")
    if kind not in FORM_TYPES:
        problems.add(
            pointer if isinstance(value, str) else f"{pointer}/type",
            "类型须为 int、string、bool、date 或 address",
        )
        return None
    label = _label(declaration.get("label"), declaration.get("label_en"), pointer, problems)
    minimum = _bound(declaration.get("minimum"), f"{pointer}/minimum", problems)
    maximum = _bound(declaration.get("maximum"), f"{pointer}/maximum", problems)
    if (minimum is not None or maximum is not None) and kind != "int":
        problems.add(pointer, "只有 int 字段有界限 only an int field has bounds")
    if minimum is not None and maximum is not None and minimum > maximum:
        problems.add(f"{pointer}/maximum", "上限小于下限 below the minimum")
    choices: tuple[Choice, ...] = ()
    if "choices" in declaration:
        if kind != "string":
            problems.add(f"{pointer}/choices", "只有 string 字段有选项 only a string field has choices")
        else:
            choices = _choices(declaration["choices"], f"{pointer}/choices", problems)
    return FormField(name, kind, label, minimum, maximum, choices)


def _check_form(value: Any, problems: _Problems) -> list[FormField]:
    if value is None:
        return []
    if not isinstance(value, Mapping):
        problems.add("/form", "需要字段到类型的映射 a map of field to type")
        return []
    form: list[FormField] = []
    for name, declaration in value.items():
        where = f"/form/{_escape(name)}"
        if not isinstance(name, str) or not _ID.fullmatch(name):
            problems.add(where, "字段名须为小写英文标识 lower-case identifier")
        elif (field := _form_field(name, declaration, where, problems)) is not None:
            form.append(field)
    return form


def _check_params(value: Any, problems: _Problems) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.add("/params", "需要参数名到取值的映射 a map of name to value")
        return {}
    params: dict[str, Any] = {}
    for name, param in value.items():
        where = f"/params/{_escape(name)}"
        if not isinstance(name, str) or not _ID.fullmatch(name):
            problems.add(where, "参数名须为小写英文标识 lower-case identifier")
        elif isinstance(param, bool | int | str) or (
            isinstance(param, list) and all(isinstance(item, str | int) for item in param)
        ):
            params[name] = param
        else:
            problems.add(where, "参数须为数字、文字、真假值或其列表 number, text, boolean or list")
    return params


_TOP_KEYS = frozenset({"item", "name", "version", "params", "form", "conditions", "tiers", "clerk", "family"})
_CONDITION_KEYS = frozenset({"id", "when", "applies_if", "on_false", "met", "not_met"})
_TIER_KEYS = frozenset({"id", "when", "result", "text"})


def register(document: Mapping[str, Any]) -> RuleSet:
    """Check a rule-set document and compile it; ``RuleSetInvalid`` lists every problem."""
    problems = _Problems()
    if not isinstance(document, Mapping):
        raise RuleSetInvalid(
            "规则集须为对象 a rule set is an object", errors=[FieldError("rule_set", "/", "object")]
        )
    for unknown in sorted(set(document) - _TOP_KEYS, key=str):
        problems.add(f"/{_escape(unknown)}", "未知的键 unknown key")
    item = document.get("item")
    if not isinstance(item, str) or not _ITEM_CODE.fullmatch(item):
        problems.add("/item", "事项编码为 18 位数字 an item code is 18 digits")
        item = ""
    version = document.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= 1_000_000:
        problems.add("/version", "版本为正整数 a positive integer")
        version = 1
    name = document.get("name", "")
    if not isinstance(name, str) or len(name) > 200:
        problems.add("/name", "名称为不超过 200 字的文字 text of at most 200 characters")
        name = ""
    form_fields = _check_form(document.get("form"), problems)
    form = {field.name: field.type for field in form_fields}
    params = _check_params(document.get("params"), problems)
    names = _placeholder_names(params, form)
    # A field that offers choices can only send one of them: the probes say what such a form can reach.
    choices = {f.name: [c.value for c in f.choices] for f in form_fields if f.choices}
    conditions = _conditions(document.get("conditions"), problems, form, params, names, choices)
    tiers = _tiers(document.get("tiers"), problems, form, params, names, choices)
    clerk = _text(document.get("clerk"), "/clerk", problems, names)
    if problems.errors:
        raise RuleSetInvalid(
            f"规则集有 {len(problems.errors)} 处问题 the rule set has {len(problems.errors)} problem(s)",
            errors=problems.errors,
        )
    return RuleSet(
        item, version, name, params, form, tuple(conditions), tuple(tiers), clerk, tuple(form_fields)
    )


def check_choices(rule_set: RuleSet, choices: Mapping[str, Sequence[str]]) -> list[FieldError]:
    """Conditions that a form offering only ``choices`` (field -> values) could never meet, or never fail.

    For a hand-written form's select or radio of a field the rules read: a condition such a form can only
    meet (a negative list none of the options is on) would approve every applicant.
    """
    problems = _Problems()
    offered = {name: values for name, values in choices.items() if name in rule_set.form}
    for index, condition in enumerate(rule_set.conditions):
        read = set(condition.when.form_fields)
        if condition.applies_if is not None:
            read.update(condition.applies_if.form_fields)
        if read & set(offered):
            where = f"/conditions/{index}"
            _reachability(
                condition.when, condition.applies_if, where, problems, rule_set.form, rule_set.params, offered
            )
    return problems.errors


def _conditions(
    raw: Any,
    problems: _Problems,
    form: Mapping[str, str],
    params: Mapping[str, Any],
    names: set[str],
    choices: Mapping[str, Sequence[str]],
) -> list[Condition]:
    if not isinstance(raw, list) or not raw:
        problems.add("/conditions", "至少需要一个条件 at least one condition")
        return []
    if len(raw) > MAX_CONDITIONS:
        problems.add("/conditions", f"最多 {MAX_CONDITIONS} 个条件 at most {MAX_CONDITIONS} conditions")
        return []
    seen: set[str] = set()
    conditions: list[Condition] = []
    for index, entry in enumerate(raw):
        where = f"/conditions/{index}"
        if not isinstance(entry, Mapping):
            problems.add(where, "条件须为对象 a condition is an object")
            continue
        for unknown in sorted(set(entry) - _CONDITION_KEYS, key=str):
            problems.add(f"{where}/{_escape(unknown)}", "未知的键 unknown key")
        ident = entry.get("id")
        if not isinstance(ident, str) or not _ID.fullmatch(ident):
            problems.add(f"{where}/id", "标识须为小写英文 lower-case identifier")
            ident = f"condition_{index}"
        elif ident in seen:
            problems.add(f"{where}/id", f"标识重复 duplicate id: {ident}")
        seen.add(ident)
        on_false = entry.get("on_false", "reject")
        if on_false not in ("reject", "manual_review"):
            problems.add(f"{where}/on_false", "须为 reject 或 manual_review")
            on_false = "reject"
        when = _expression(entry.get("when"), f"{where}/when", problems, form, params)
        guard = None
        if "applies_if" in entry:
            guard = _expression(entry.get("applies_if"), f"{where}/applies_if", problems, form, params)
        met = _text(entry.get("met"), f"{where}/met", problems, names)
        not_met = _text(entry.get("not_met"), f"{where}/not_met", problems, names)
        if when is None or ("applies_if" in entry and guard is None):
            continue
        _reachability(when, guard, where, problems, form, params, choices)
        conditions.append(Condition(ident, when, guard, on_false, met, not_met))
    return conditions


def _reachability(
    when: Expression,
    guard: Expression | None,
    where: str,
    problems: _Problems,
    form: Mapping[str, str],
    params: Mapping[str, Any],
    choices: Mapping[str, Sequence[str]] | None = None,
) -> None:
    expressions = [when] if guard is None else [when, guard]
    contexts = list(probe_contexts(expressions, form, params, choices))
    results, error = _outcomes(when, contexts)
    if error is not None:
        problems.add(f"{where}/when", error)
        return
    if guard is not None:
        guard_results, guard_error = _outcomes(guard, contexts)
        if guard_error is not None:
            problems.add(f"{where}/applies_if", guard_error)
            return
        if True not in guard_results:
            problems.add(
                f"{where}/applies_if", "前提永不成立，条件不可达 never true: the condition is unreachable"
            )
            return
        results = [r for r, g in zip(results, guard_results, strict=False) if g is True]
    if True not in results:
        problems.add(f"{where}/when", "条件永不满足，无法批准 never met: the rule set could never approve")
    elif False not in results:
        problems.add(
            f"{where}/when", "条件永远满足，不满足分支不可达 always met: its not-met branch is unreachable"
        )


def _tiers(
    raw: Any,
    problems: _Problems,
    form: Mapping[str, str],
    params: Mapping[str, Any],
    names: set[str],
    choices: Mapping[str, Sequence[str]],
) -> list[Tier]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_TIERS:
        problems.add("/tiers", f"档次为最多 {MAX_TIERS} 项的列表 a list of at most {MAX_TIERS} tiers")
        return []
    tiers: list[Tier] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        where = f"/tiers/{index}"
        if not isinstance(entry, Mapping):
            problems.add(where, "档次须为对象 a tier is an object")
            continue
        for unknown in sorted(set(entry) - _TIER_KEYS, key=str):
            problems.add(f"{where}/{_escape(unknown)}", "未知的键 unknown key")
        ident = entry.get("id")
        if not isinstance(ident, str) or not _ID.fullmatch(ident) or ident in seen:
            problems.add(f"{where}/id", "标识须为不重复的小写英文 unique lower-case identifier")
            ident = f"tier_{index}"
        seen.add(ident)
        result = entry.get("result", {})
        if not isinstance(result, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str | int | bool) for k, v in result.items()
        ):
            problems.add(f"{where}/result", "结果为键到数字、文字或真假值的映射 a map of key to scalar")
            result = {}
        when = _expression(entry.get("when"), f"{where}/when", problems, form, params)
        text = _text(entry.get("text"), f"{where}/text", problems, names)
        if when is not None:
            tiers.append(Tier(ident, when, dict(result), text))
    if len(tiers) != len(raw):
        return tiers
    contexts = list(probe_contexts((tier.when for tier in tiers), form, params, choices))
    taken = [False] * len(contexts)
    for index, tier in enumerate(tiers):
        results, error = _outcomes(tier.when, contexts)
        if error is not None:
            problems.add(f"/tiers/{index}/when", error)
            continue
        reached = False
        for probe, value in enumerate(results):
            if value is True and not taken[probe]:
                reached = True
                taken[probe] = True
        if not reached:
            problems.add(
                f"/tiers/{index}/when", "前面的档次已覆盖，此档不可达 unreachable: earlier tiers cover it"
            )
    return tiers


_FAMILY_KEYS = frozenset({"family", "params", "form", "conditions", "tiers", "clerk", "items", "name"})
# An item of a family may add its own conditions and form fields to the template's.
_FAMILY_ITEM_KEYS = frozenset({"item", "name", "version", "params", "conditions", "form"})


def family_pointer(pointer: str, item_index: int, shared_conditions: int) -> str:
    """Where in the family file a problem of item ``item_index``'s expanded rule set lies."""
    parts = pointer.split("/")
    if (
        len(parts) > 2
        and parts[1] == "conditions"
        and parts[2].isdigit()
        and int(parts[2]) >= shared_conditions
    ):
        return "/".join(
            ["", "items", str(item_index), "conditions", str(int(parts[2]) - shared_conditions), *parts[3:]]
        )
    if len(parts) > 1 and parts[1] in ("item", "name", "version", "params"):
        return f"/items/{item_index}{pointer}"
    return pointer


def expand_family(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One rule-set document per item of a family file; parameter problems name ``/items/N/params/…``."""
    problems = _Problems()
    for unknown in sorted(set(document) - _FAMILY_KEYS, key=str):
        problems.add(f"/{_escape(unknown)}", "未知的键 unknown key")
    declared = document.get("params") or {}
    if not isinstance(declared, Mapping):
        problems.add("/params", "参数声明须为映射 a map of name to {type, default}")
        declared = {}
    items = document.get("items")
    if not isinstance(items, list) or not items:
        problems.add("/items", "至少需要一个事项 at least one item")
        items = []
    expanded: list[dict[str, Any]] = []
    for index, entry in enumerate(items):
        where = f"/items/{index}"
        if not isinstance(entry, Mapping):
            problems.add(where, "事项须为对象 an item is an object")
            continue
        given = entry.get("params") or {}
        if not isinstance(given, Mapping):
            problems.add(f"{where}/params", "参数须为映射 a map")
            given = {}
        values: dict[str, Any] = {}
        for name, spec in declared.items():
            kind = spec.get("type") if isinstance(spec, Mapping) else None
            if kind not in _PARAM_TYPES:
                problems.add(f"/params/{_escape(name)}/type", "类型须为 int、string、bool 或 list")
                continue
            value = given.get(name, spec.get("default"))
            if value is None:
                problems.add(f"{where}/params/{_escape(name)}", "缺少参数 missing parameter")
            elif not isinstance(value, _PARAM_TYPES[kind]) or (kind == "int" and isinstance(value, bool)):
                problems.add(f"{where}/params/{_escape(name)}", f"参数类型须为 {kind} must be {kind}")
            else:
                values[name] = value
        for unknown in sorted(set(given) - set(declared), key=str):
            problems.add(
                f"{where}/params/{_escape(unknown)}", "模板未声明此参数 not a parameter of the template"
            )
        for unknown in sorted(set(entry) - _FAMILY_ITEM_KEYS, key=str):
            problems.add(f"{where}/{_escape(unknown)}", "未知的键 unknown key")
        shared = document.get("conditions")
        extra = entry.get("conditions") or []
        if not isinstance(extra, list):
            problems.add(f"{where}/conditions", "附加条件须为列表 a list of conditions")
            extra = []
        form = dict(document.get("form") or {})
        extra_form = entry.get("form") or {}
        if isinstance(extra_form, Mapping):
            form.update(extra_form)
        expanded.append(
            {
                "item": entry.get("item"),
                "name": entry.get("name", document.get("name", "")),
                "version": entry.get("version", 1),
                "params": values,
                "form": form,
                "conditions": [*shared, *extra] if isinstance(shared, list) else shared,
                "tiers": document.get("tiers"),
                "clerk": document.get("clerk"),
            }
        )
    if problems.errors:
        raise RuleSetInvalid("规则模板有误 the rule family is invalid", errors=problems.errors)
    return expanded
