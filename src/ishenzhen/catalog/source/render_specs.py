"""Hand-written render specs: ``render_specs/<item code>.yaml``, one document per item.

A file holds the item's ``code`` and its ``render_spec`` (the model of ``ishenzhen.ui.model``). Items
without a file get the spec derived from their materials (``catalog.default_spec``). The files are small (ten today, a
few hundred lines each), so they are read with PyYAML's composer: its nodes carry the line of every key and
list element, which places a decode error — and a semantic problem found by ``catalog.spec_checks`` — on its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import msgspec
import yaml

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.catalog.source._problems import Problem
from ishenzhen.ui.model import RenderSpec

__all__ = ["SPECS_FOLDER", "SpecFile", "SpecSource", "read_render_specs"]

SPECS_FOLDER = "render_specs"
_ERROR_PATH = re.compile(r"^(?P<reason>.*?)(?: - at `\$(?P<path>[^`]*)`)?$")
_PATH_STEP = re.compile(r"\.(?P<key>\w+)|\[(?P<index>\d+)\]")
_NAMED_FIELD = re.compile(r"field `(?P<field>[^`]+)`")


class SpecFile(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The document of one file under ``render_specs/``."""

    code: str
    render_spec: RenderSpec


@dataclass(frozen=True, slots=True)
class SpecSource:
    """Where an item's spec was read: its file and the YAML node tree of the document, for line numbers."""

    file: str
    document: yaml.Node

    def line(self, steps: Iterable[str | int]) -> int:
        """1-based line of the deepest node reached along ``steps`` (keys and list indexes) from the root."""
        node = self.document
        line = node.start_mark.line + 1
        for step in steps:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == str(step):
                        line, child = key.start_mark.line + 1, value
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                child = node.value[step]
                line = child.start_mark.line + 1
            if child is None:
                break
            node = child
        return line

    def problem(self, code: str | None, steps: list[str | int], reason: str) -> Problem:
        return Problem(
            file=self.file, line=self.line(steps), item_code=code, field=shown_path(steps), reason=reason
        )


def shown_path(steps: Iterable[str | int]) -> str | None:
    """``render_spec.form.steps[0].components[2]``: the style of the items files' problems."""
    shown = ""
    for step in steps:
        shown += f"[{step}]" if isinstance(step, int) else (f".{step}" if shown else step)
    return shown or None


def pointer_steps(pointer: str) -> list[str | int]:
    """The steps of an RFC 6901 pointer relative to the spec (``/form/steps/0``), under ``render_spec``."""
    steps: list[str | int] = ["render_spec"]
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        steps.append(int(token) if token.isdigit() else token)
    return steps


def _error_steps(message: str) -> tuple[str, list[str | int]]:
    match = _ERROR_PATH.match(message)
    reason, path = (match["reason"], match["path"] or "") if match else (message, "")
    steps: list[str | int] = [
        int(step["index"]) if step["index"] is not None else step["key"] for step in _PATH_STEP.finditer(path)
    ]
    named = _NAMED_FIELD.search(reason)
    if named and "unknown field" in reason:
        steps.append(named["field"])  # the line of the misspelt key itself, not of its object
    return reason, steps


def _read_one(path: Path) -> tuple[SpecSource | None, SpecFile | None, list[Problem]]:
    shown = str(path)
    text = path.read_bytes()
    try:
        document = yaml.compose(text, Loader=yaml.CSafeLoader)
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return (
            None,
            None,
            [Problem(file=shown, line=line, item_code=None, field=None, reason=f"not valid YAML: {error}")],
        )
    if document is None or not isinstance(data, dict):
        reason = "expected a mapping with the item's `code` and its `render_spec`"
        return None, None, [Problem(file=shown, line=1, item_code=None, field=None, reason=reason)]
    source = SpecSource(shown, document)
    code = data.get("code") if isinstance(data.get("code"), str) else None
    try:
        spec_file = msgspec.convert(data, SpecFile)
    except msgspec.ValidationError as error:
        reason, steps = _error_steps(str(error))
        return source, None, [source.problem(code, steps, reason)]
    return source, spec_file, []


def read_render_specs(
    folder: Path, items: dict[str, ServiceItem]
) -> tuple[dict[str, SpecSource], list[Problem]]:
    """Attach every spec under ``folder`` to its item in ``items`` (by code); where each was read; problems.

    A file that cannot be read, names an unknown item, or is not named after its item (a duplicate when
    ``<code>.yaml`` exists too) is reported and attaches nothing. No folder means no hand-written specs.
    """
    sources: dict[str, SpecSource] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        source, spec_file, found = _read_one(path)
        problems.extend(found)
        if source is None or spec_file is None:
            continue
        code = spec_file.code
        if code not in items:
            problems.append(source.problem(code, ["code"], f"no item has the code `{code}`"))
            continue
        if path.stem != code:
            # File names are the codes, so two specs of one item can only meet through a misnamed file.
            proper = folder / f"{code}.yaml"
            reason = (
                f"duplicate: {proper} already gives the spec of `{code}`"
                if proper.is_file()
                else f"the spec of `{code}` belongs in `{code}.yaml`"
            )
            problems.append(source.problem(code, ["code"], reason))
            continue
        sources[code] = source
        items[code].render_spec = spec_file.render_spec
    return sources, problems
