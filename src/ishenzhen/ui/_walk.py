"""Walking a form: every component with its JSON pointer and the conditions of the sections around it.

The fields inside a ``repeat`` are walked too (``/…/components/3/components/1``), marked with their group:
their values live in the group's entries, not at the top level of a submission, and their conditions are
read per entry (``enclosing`` is empty for them: the group's own visibility is the group's business).

Shared by the checks, the submission validator, the prefill resolver and the capability adaptation, so each
reports the same pointers for the same node.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

import msgspec
import re2

from ishenzhen.ui.model import (
    AllOf,
    AnyOf,
    Component,
    Condition,
    FieldEquals,
    FieldFilled,
    FieldIn,
    Form,
    Not,
    Repeat,
    Section,
    SubmittedComponent,
)

__all__ = [
    "Located",
    "compile_pattern",
    "condition_fields",
    "escape",
    "fields",
    "group_fields",
    "node_type",
    "walk",
]


@dataclass(frozen=True, slots=True)
class Located:
    """A component, where it sits (``/form/steps/0/components/3``) and the conditions of its sections."""

    pointer: str
    component: Component
    enclosing: tuple[Condition, ...]
    # The repeat this field is an entry field of; ``None`` at the top level.
    group: Repeat | None = None


def node_type(node: object) -> str:
    """A node's ``type`` tag (msgspec keeps it in the class config, not as an attribute)."""
    tag = cast(msgspec.Struct, node).__struct_config__.tag
    return str(tag)


def escape(token: str) -> str:
    """One RFC 6901 reference token: ``~`` and ``/`` escaped."""
    return token.replace("~", "~0").replace("/", "~1")


def _walk_components(
    components: list[Component], pointer: str, enclosing: tuple[Condition, ...]
) -> Iterator[Located]:
    for index, component in enumerate(components):
        here = f"{pointer}/{index}"
        yield Located(here, component, enclosing)
        if isinstance(component, Section):
            inner = enclosing if component.visible_when is None else (*enclosing, component.visible_when)
            yield from _walk_components(component.components, f"{here}/components", inner)
        elif isinstance(component, Repeat):
            for inner_index, field in enumerate(component.components):
                yield Located(f"{here}/components/{inner_index}", field, (), component)


def walk(form: Form, root: str = "/form") -> Iterator[Located]:
    """Every component of ``form`` in document order, sections before their contents."""
    for step_index, step in enumerate(form.steps):
        yield from _walk_components(step.components, f"{root}/steps/{step_index}/components", ())


def fields(form: Form) -> Iterator[Located]:
    """The components whose value is submitted at the top level: fields outside repeats, and repeats."""
    return (
        located
        for located in walk(form)
        if located.group is None and isinstance(located.component, SubmittedComponent)
    )


def group_fields(repeat: Repeat, pointer: str) -> list[Located]:
    """The entry fields of the repeat at ``pointer``, as ``walk`` locates them."""
    return [
        Located(f"{pointer}/components/{index}", field, (), repeat)
        for index, field in enumerate(repeat.components)
    ]


def condition_fields(condition: Condition, pointer: str) -> Iterator[tuple[str, str]]:
    """``(pointer to the field reference, field id)`` for each field a condition reads."""
    if isinstance(condition, FieldEquals | FieldIn | FieldFilled):
        yield f"{pointer}/field", condition.field
    elif isinstance(condition, AllOf | AnyOf):
        for index, inner in enumerate(condition.conditions):
            yield from condition_fields(inner, f"{pointer}/conditions/{index}")
    elif isinstance(condition, Not):
        yield from condition_fields(condition.condition, f"{pointer}/condition")


_RE2_OPTIONS = re2.Options()
# A bad department pattern is reported as a SpecProblem; RE2 would also print it to stderr.
_RE2_OPTIONS.log_errors = False
_compiled: dict[str, object] = {}


def compile_pattern(pattern: str) -> object | None:
    """The RE2 program of ``pattern`` (cached: specs are few, submissions many), or ``None`` if invalid."""
    if pattern in _compiled:
        return _compiled[pattern]
    try:
        program: object | None = re2.compile(pattern, _RE2_OPTIONS)
    except re2.error:
        program = None
    if len(_compiled) > 10_000:  # patterns come from a bounded set of published specs; stay bounded anyway
        _compiled.clear()
    _compiled[pattern] = program
    return program
