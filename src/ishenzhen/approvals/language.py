"""The rule language: CEL expressions (Rust ``cel`` bindings), bounded and checked against the fact schema.

CEL cannot loop or recurse and has no I/O, so an expression's cost is bounded by its length and the sizes of
the lists it walks. We bound both: at most ``MAX_EXPRESSION_CHARS`` characters, at most
``MAX_COMPREHENSIONS`` list macros per expression (lists are capped at ``facts.MAX_LIST_ITEMS``), and only the
functions in ``ALLOWED_FUNCTIONS``. See docs/decisions/0003-rule-engine.md for why CEL over zen-engine.

The Rust bindings have no type checker with declarations, so registration checks types by evaluating each
expression against typed probe values drawn from the schema (every boundary of every literal it compares
with); the same probes find conditions that can never be met and tiers that can never be reached.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import cel

from ishenzhen.approvals.facts import FACT_SCHEMA, FieldSpec

__all__ = [
    "ALLOWED_FUNCTIONS",
    "MAX_COMPREHENSIONS",
    "MAX_EXPRESSION_CHARS",
    "Expression",
    "ExpressionError",
    "FieldRef",
    "compile_expression",
    "probe_contexts",
]

MAX_EXPRESSION_CHARS = 500
MAX_COMPREHENSIONS = 2
MAX_PROBES = 512
ALLOWED_FUNCTIONS = frozenset(
    {"_&&_", "_||_", "!_", "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_", "_+_", "_-_", "_*_", "_/_", "_%_"}
    | {"-_", "_?_:_", "@in", "@not_strictly_false", "size", "startsWith", "endsWith", "contains"}
)
_STRING_LITERAL = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\"""")
_CHAIN = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)(\s*\()?")
_COMPREHENSION = re.compile(r"\.\s*(all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")
_INT_LITERAL = re.compile(r"(?<![\w.])-?\d+(?![\w.])")
_ABSENT = object()
_KEYWORDS = frozenset({"true", "false", "null", "in", "has", "size", "int", "string"})


class ExpressionError(ValueError):
    """An expression the language refuses; ``reason`` is for the department author."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class FieldRef:
    """One fact an expression reads: ``applicant.age`` or ``licences.diploma.status`` (key set)."""

    namespace: str
    field: str
    key: str | None = None

    @property
    def path(self) -> str:
        return ".".join(part for part in (self.namespace, self.key, self.field) if part)

    @property
    def spec(self) -> FieldSpec:
        return FACT_SCHEMA[self.namespace].fields[self.field]


@dataclass(frozen=True, slots=True)
class Expression:
    source: str
    program: cel.Program
    fields: tuple[FieldRef, ...]
    form_fields: tuple[str, ...]
    params: tuple[str, ...]
    strings: tuple[str, ...]
    ints: tuple[int, ...]

    def evaluate(self, context: cel.Context) -> Any:
        return self.program.execute(context)


def _without_strings(source: str) -> str:
    return _STRING_LITERAL.sub('""', source)


def compile_expression(source: object, *, form: Mapping[str, str], params: Mapping[str, Any]) -> Expression:
    """Parse, bound and resolve one expression; raises ``ExpressionError`` naming what is wrong."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("表达式为空 the expression is empty")
    if len(source) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(
            f"表达式超过 {MAX_EXPRESSION_CHARS} 个字符 longer than {MAX_EXPRESSION_CHARS} characters"
        )
    try:
        program = cel.compile(source)
    except (ValueError, RuntimeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise ExpressionError(f"语法错误 syntax error: {first[:200]}") from None
    functions = set(program.functions())
    refused = sorted(functions - ALLOWED_FUNCTIONS)
    if refused:
        raise ExpressionError("不允许的函数 functions not allowed: " + ", ".join(refused))
    bare = _without_strings(source)
    bound = {match.group(2) for match in _COMPREHENSION.finditer(bare)}
    if len(_COMPREHENSION.findall(bare)) > MAX_COMPREHENSIONS:
        raise ExpressionError(f"列表宏最多 {MAX_COMPREHENSIONS} 个 at most {MAX_COMPREHENSIONS} list macros")
    fields: list[FieldRef] = []
    form_fields: list[str] = []
    used_params: list[str] = []
    for match in _CHAIN.finditer(bare):
        parts = [part.strip() for part in match.group(1).split(".")]
        if match.group(2):  # a call: the last part is a function or method name
            parts = parts[:-1]
        if not parts or parts[0] in _KEYWORDS or parts[0] in bound:
            continue
        head = parts[0]
        if head == "form":
            if len(parts) != 2 or parts[1] not in form:
                raise ExpressionError(f"未声明的表单字段 form field not declared: {'.'.join(parts)}")
            form_fields.append(parts[1])
        elif head == "params":
            if len(parts) != 2 or parts[1] not in params:
                raise ExpressionError(f"未声明的参数 parameter not declared: {'.'.join(parts)}")
            used_params.append(parts[1])
        elif head in FACT_SCHEMA:
            fields.append(_field_ref(parts))
        else:
            raise ExpressionError(f"未知的名称 unknown name: {head}")
    _check_literal_comparisons(source, fields)
    return Expression(
        source=source,
        program=program,
        fields=tuple(dict.fromkeys(fields)),
        form_fields=tuple(dict.fromkeys(form_fields)),
        params=tuple(dict.fromkeys(used_params)),
        strings=tuple(dict.fromkeys(match[1:-1] for match in _STRING_LITERAL.findall(source))),
        ints=tuple(dict.fromkeys(int(match) for match in _INT_LITERAL.findall(bare))),
    )


_COMPARISON = re.compile(
    r"""([A-Za-z_][\w.]*)\s*(?:==|!=)\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+\b|true\b|false\b)"""
    r"""|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+\b|true\b|false\b)\s*(?:==|!=)\s*([A-Za-z_][\w.]*)"""
)
_FIELD_KINDS = {"int": "int", "bool": "bool", "string": "string", "date": "string", "list": "list"}


def _literal_kind(literal: str) -> str:
    if literal[0] in "'\"":
        return "string"
    return "bool" if literal in ("true", "false") else "int"


def _check_literal_comparisons(source: str, fields: list[FieldRef]) -> None:
    """CEL's equality accepts any two types (and is simply false), which hides a typo'd literal: refuse it."""
    by_path = {ref.path: ref for ref in fields}
    for match in _COMPARISON.finditer(source):
        path, literal = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        )
        ref = by_path.get(path)
        if ref is None:
            continue
        expected = _FIELD_KINDS[ref.spec.type]
        if _literal_kind(literal) != expected:
            raise ExpressionError(f"类型错误 type error: {path} is {expected}, compared with {literal[:20]}")
        if ref.spec.values is not None and expected == "string" and literal[1:-1] not in ref.spec.values:
            allowed = ", ".join(ref.spec.values)
            raise ExpressionError(f"取值不在枚举内 {path} is one of {allowed}, not {literal[:20]}")


def _field_ref(parts: list[str]) -> FieldRef:
    namespace = FACT_SCHEMA[parts[0]]
    dotted = ".".join(parts)
    if namespace.keys is not None:
        if (
            len(parts) == 2 and parts[1] in namespace.keys
        ):  # has(licences.diploma) reads the record's presence
            return FieldRef(parts[0], "status", parts[1])
        if len(parts) != 3 or parts[1] not in namespace.keys:
            raise ExpressionError(f"未知的证照类型 unknown licence type: {dotted}")
        if parts[2] not in namespace.fields:
            raise ExpressionError(f"未知的字段 unknown field: {dotted}")
        return FieldRef(parts[0], parts[2], parts[1])
    if len(parts) != 2 or parts[1] not in namespace.fields:
        raise ExpressionError(f"未知的字段 unknown field: {dotted}")
    return FieldRef(parts[0], parts[1])


def _domain(spec: FieldSpec, strings: Iterable[str], ints: Iterable[int]) -> list[Any]:
    """Values that reach every side of every comparison an expression can make with its literals."""
    match spec.type:
        case "bool":
            return [False, True]
        case "int":
            points = {0, 1, 10_000}
            for value in ints:
                points.update({value - 1, value, value + 1})
            return sorted(point for point in points if point >= 0)
        case "list":
            return [[], *([value] for value in strings)]
        case "date":
            return ["2000-02-29", "2026-12-03"]
        case _:
            if spec.values is not None:
                return list(spec.values)
            return ["", *strings, "其他"]


def probe_contexts(
    expressions: Iterable[Expression],
    form: Mapping[str, str],
    params: Mapping[str, Any],
    choices: Mapping[str, Sequence[str]] | None = None,
) -> Iterator[dict[str, Any]]:
    """Typed CEL variables covering the boundaries of the given expressions (capped at MAX_PROBES).

    A form field in ``choices`` takes only those values: what a form that offers them can send.
    """
    expressions = list(expressions)
    strings = {s for e in expressions for s in e.strings} | {v for v in params.values() if isinstance(v, str)}
    for value in params.values():
        if isinstance(value, list):
            strings.update(item for item in value if isinstance(item, str))
    ints = {i for e in expressions for i in e.ints}
    ints.update(v for v in params.values() if isinstance(v, int) and not isinstance(v, bool))
    axes: list[tuple[tuple[str, ...], list[Any]]] = []
    for ref in dict.fromkeys(ref for e in expressions for ref in e.fields):
        path: tuple[str, ...] = (ref.namespace, ref.key, ref.field) if ref.key else (ref.namespace, ref.field)
        domain = _domain(ref.spec, strings, ints)
        if ref.key is not None:
            domain.append(_ABSENT)  # a holder may have no licence of that type at all
        axes.append((tuple(p for p in path if p), domain))
    for name in dict.fromkeys(name for e in expressions for name in e.form_fields):
        # An address reads as its district code: a string.
        kind = "string" if form[name] == "address" else form[name]
        if choices is not None and name in choices:
            axes.append((("form", name), list(choices[name])))
            continue
        axes.append((("form", name), _domain(FieldSpec(kind, "", ""), strings, ints)))  # type: ignore[arg-type]
    total = 1
    for _, values in axes:
        total *= len(values)
    if total <= MAX_PROBES:
        combos: Iterable[tuple[Any, ...]] = itertools.product(*(values for _, values in axes))
    else:
        chooser = random.Random(len(axes) * 7919 + total)  # noqa: S311 - reproducible probes, not secrets
        combos = (tuple(chooser.choice(values) for _, values in axes) for _ in range(MAX_PROBES))
    for combo in combos:
        variables: dict[str, Any] = {"params": dict(params), "decision": {"year": 2026, "date": "2026-12-03"}}
        for path, _ in axes:
            variables.setdefault(path[0], {})
        for (path, _), value in zip(axes, combo, strict=True):
            if value is _ABSENT:
                continue
            node = variables
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = value
        yield variables
