"""Reading a catalogue folder into Structs, turning every schema error into a located Problem."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import yaml

from ishenzhen.catalog.model import (
    Catalog,
    Department,
    District,
    ElicenceType,
    ServiceItem,
    Theme,
)
from ishenzhen.catalog.source._problems import Problem
from ishenzhen.catalog.source._yaml_events import ItemLines, load_with_lines
from ishenzhen.catalog.source.render_specs import SPECS_FOLDER, SpecSource, read_render_specs

__all__ = ["REFERENCE_FILES", "LoadedCatalog", "Location", "Problem", "read_catalog"]

# File name -> (top-level key holding the rows, row type).
REFERENCE_FILES: dict[str, tuple[str, type[msgspec.Struct]]] = {
    "departments.yaml": ("departments", Department),
    "districts.yaml": ("districts", District),
    "themes.yaml": ("themes", Theme),
    "e_licence_types.yaml": ("e_licence_types", ElicenceType),
}
_ERROR_PATH = re.compile(r"^(?P<reason>.*?)(?: - at `\$(?P<path>[^`]*)`)?$")
_FIRST_STEP = re.compile(r"^\.(?P<field>\w+)(?:\[(?P<index>\d+)\])?(?P<rest>.*)$")
_NAMED_FIELD = re.compile(r"field `(?P<field>[^`]+)`")

RowT = TypeVar("RowT", bound=msgspec.Struct)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a row was read: its file and the lines of its keys."""

    file: str
    lines: ItemLines

    def problem(self, code: str | None, field: str | None, reason: str, index: int | None = None) -> Problem:
        shown = field if index is None or field is None else f"{field}[{index}]"
        return Problem(
            file=self.file, line=self.lines.of(field, index), item_code=code, field=shown, reason=reason
        )


@dataclass(slots=True)
class LoadedCatalog:
    root: Path
    catalog: Catalog
    problems: list[Problem]
    # id() of each loaded row -> where it was read; rows live as long as the catalog does.
    locations: dict[int, Location] = field(default_factory=dict)
    item_files: list[str] = field(default_factory=list)
    # Rows found per list, readable or not: counts are checked against these, so one broken row is
    # reported once, not again as a wrong total.
    rows_found: dict[str, int] = field(default_factory=dict)
    # Item code -> where its hand-written render spec was read.
    spec_sources: dict[str, SpecSource] = field(default_factory=dict)

    def where(self, row: msgspec.Struct) -> Location:
        return self.locations[id(row)]


def _schema_problems(
    row: Any, row_type: type[msgspec.Struct], where: Location, code: str | None
) -> list[Problem]:
    """Every schema error of one row, found field by field (msgspec.convert alone stops at the first)."""
    if not isinstance(row, dict):
        return [where.problem(code, None, f"expected a mapping, got {type(row).__name__}")]
    problems = []
    fields = msgspec.structs.fields(row_type)
    known = {info.encode_name for info in fields}
    for key in row:
        if key not in known:
            problems.append(where.problem(code, str(key), "unknown field"))
    for info in fields:
        if info.encode_name not in row:
            if info.required:
                problems.append(where.problem(code, info.encode_name, "required field is missing"))
            continue
        try:
            msgspec.convert(row[info.encode_name], info.type)
        except msgspec.ValidationError as error:
            problems.append(_located(str(error), info.encode_name, where, code))
    return problems


def _located(message: str, field_name: str, where: Location, code: str | None) -> Problem:
    match = _ERROR_PATH.match(message)
    reason, path = (match["reason"], match["path"] or "") if match else (message, "")
    step = _FIRST_STEP.match(path)
    index = int(step["index"]) if step and step["index"] else None
    named = _NAMED_FIELD.search(reason)
    shown = field_name + path + (f".{named['field']}" if named and "missing" in reason else "")
    line = where.lines.of(field_name, index)
    return Problem(file=where.file, line=line, item_code=code, field=shown, reason=reason)


def _read_rows(
    path: Path,
    shown: str,
    list_key: str,
    row_type: type[RowT],
    loaded: LoadedCatalog,
    header: dict[str, Any] | None = None,
) -> list[RowT]:
    """Rows of one file; a row with schema errors is reported and left out."""
    try:
        document = load_with_lines(path.read_bytes(), list_key)
    except FileNotFoundError:
        loaded.problems.append(
            Problem(file=shown, line=None, item_code=None, field=None, reason="file is missing")
        )
        return []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        loaded.problems.append(
            Problem(file=shown, line=line, item_code=None, field=None, reason=f"not valid YAML: {error}")
        )
        return []
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get(list_key), list):
        loaded.problems.append(
            Problem(
                file=shown,
                line=1,
                item_code=None,
                field=list_key,
                reason=f"expected a mapping with a `{list_key}` list",
            )
        )
        return []
    if header is not None:
        header.update({key: value for key, value in data.items() if key != list_key})
    loaded.rows_found[list_key] = loaded.rows_found.get(list_key, 0) + len(data[list_key])
    rows: list[RowT] = []
    for raw, lines in zip(data[list_key], document.items, strict=False):
        where = Location(shown, lines)
        code = raw.get("code") if isinstance(raw, dict) and isinstance(raw.get("code"), str) else None
        try:
            row = msgspec.convert(raw, row_type)
        except msgspec.ValidationError:
            loaded.problems.extend(_schema_problems(raw, row_type, where, code))
            continue
        loaded.locations[id(row)] = where
        rows.append(row)
    return rows


def read_catalog(root: Path) -> LoadedCatalog:
    """Everything readable under ``root``, with a Problem for every file or row that cannot be read."""
    empty = Catalog(departments=[], districts=[], themes=[], e_licence_types=[], items=[])
    loaded = LoadedCatalog(root, empty, [])
    tables: dict[str, list[Any]] = {}
    for name, (key, row_type) in REFERENCE_FILES.items():
        tables[key] = _read_rows(root / name, str(root / name), key, row_type, loaded)
    catalog = loaded.catalog
    catalog.departments, catalog.districts = tables["departments"], tables["districts"]
    catalog.themes, catalog.e_licence_types = tables["themes"], tables["e_licence_types"]
    item_paths = sorted((root / "items").glob("*.yaml"))
    if not item_paths:
        loaded.problems.append(
            Problem(file=str(root / "items"), line=None, item_code=None, field=None, reason="no item files")
        )
    for path in item_paths:
        shown = str(path)
        loaded.item_files.append(shown)
        header: dict[str, Any] = {}
        items = _read_rows(path, shown, "items", ServiceItem, loaded, header)
        for item in items:
            if item.render_spec is not None:
                loaded.problems.append(
                    loaded.where(item).problem(
                        item.code, "render_spec", f"a render spec belongs in {SPECS_FOLDER}/{item.code}.yaml"
                    )
                )
        if header.get("department") != path.stem:
            loaded.problems.append(
                Problem(
                    file=shown,
                    line=1,
                    item_code=None,
                    field="department",
                    reason=f"the file of department `{path.stem}` must say `department: {path.stem}`",
                )
            )
        catalog.items.extend(items)
    by_code = {item.code: item for item in catalog.items}
    loaded.spec_sources, spec_problems = read_render_specs(root / SPECS_FOLDER, by_code)
    loaded.problems.extend(spec_problems)
    return loaded
