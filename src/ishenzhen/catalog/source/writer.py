"""Writes catalogue Structs back to the source files' format: the same bytes for the same data.

Used by the generator (the whole catalogue) and by the registry's export (one department's items). An item's
hand-written render spec never goes into its items file: it is written to ``render_specs/<code>.yaml``, which
is where the loader looks for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec
import yaml

from ishenzhen.catalog.model import Catalog, Material, ServiceItem
from ishenzhen.catalog.source.render_specs import SPECS_FOLDER, SpecFile

__all__ = ["HEADER", "items_file_text", "write_catalog", "write_department"]

HEADER = (
    "# 深圳市政务服务事项目录（i深圳）。由 `python -m tools.catalog_generator` 生成；\n"
    "# 校验：`ishenzhen catalog validate`。说明见 README.md。\n"
)
SPEC_HEADER = (
    "# 深圳市政务服务事项目录（i深圳）：事项 {code}「{name}」的办事指南与申请表（渲染规格）。\n"
    "# 手工编写，格式见 src/ishenzhen/ui/model.py；校验：`ishenzhen catalog validate`。\n"
)


class _Dumper(yaml.CSafeDumper):
    """Block style, no anchors: equal lists must stay spelled out so a clerk can edit one of them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: _Dumper, data: str) -> yaml.Node:
    # Codes are digit strings; quoting them keeps every YAML reader (1.1 or 1.2) from taking them as numbers.
    style = "'" if data.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)

_MATERIAL_DEFAULTS = {
    info.encode_name: info.default
    for info in msgspec.structs.fields(Material)
    if info.default is not msgspec.NODEFAULT
}
_KEEP = object()


def _short_items(document: Any) -> Any:
    """Leave material fields at their default out of the file (loading fills them back in), render specs
    (those have files of their own) and absent rule sets (the city's templates live in ``rules/``)."""
    for item in document.get("items", ()):
        item.pop("render_spec", None)
        if item.get("rule_set") is None:
            item.pop("rule_set", None)
        item["materials"] = [
            {key: value for key, value in material.items() if _MATERIAL_DEFAULTS.get(key, _KEEP) != value}
            for material in item["materials"]
        ]
    return document


def _write_yaml(path: Path, document: Any, header: str = HEADER) -> None:
    path.write_text(_yaml_text(document, header), encoding="utf-8")


def _yaml_text(document: Any, header: str = HEADER) -> str:
    text = yaml.dump(
        document,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,  # no folding of long Chinese lines: one value, one line, one diff hunk
    )
    return header + text


def items_file_text(department: str, items: Sequence[ServiceItem]) -> str:
    """The text of ``items/<department>.yaml`` for ``items`` (sorted by code), without their render specs."""
    return _yaml_text(_short_items(msgspec.to_builtins({"department": department, "items": items})))


def write_department(out: Path, department: str, items: Sequence[ServiceItem]) -> list[Path]:
    """Write ``items/<department>.yaml`` and the render specs of those of ``items`` that carry one.

    ``items`` are the department's items, sorted by code. They are the truth for their own codes: the spec
    file of an item that no longer carries a spec is removed. Spec files of other items are left alone.
    """
    (out / "items").mkdir(parents=True, exist_ok=True)
    path = out / "items" / f"{department}.yaml"
    path.write_text(items_file_text(department, items), encoding="utf-8")
    written = [path]
    specs = out / SPECS_FOLDER
    for item in items:
        spec_path = specs / f"{item.code}.yaml"
        if item.render_spec is None:
            spec_path.unlink(missing_ok=True)
            continue
        specs.mkdir(exist_ok=True)
        document = msgspec.to_builtins(SpecFile(code=item.code, render_spec=item.render_spec))
        _write_yaml(spec_path, document, SPEC_HEADER.format(code=item.code, name=item.name))
        written.append(spec_path)
    return written


def write_catalog(catalog: Catalog, out: Path) -> list[Path]:
    """Write every file of ``catalog`` under ``out``. The catalogue is the whole truth: item files of
    departments no longer present, and spec files of items that are gone or carry no spec, are removed."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, key, rows in (
        ("departments.yaml", "departments", catalog.departments),
        ("districts.yaml", "districts", catalog.districts),
        ("themes.yaml", "themes", catalog.themes),
        ("e_licence_types.yaml", "e_licence_types", catalog.e_licence_types),
    ):
        _write_yaml(out / name, msgspec.to_builtins({key: rows}))
        written.append(out / name)
    by_department: dict[str, list[ServiceItem]] = {department.slug: [] for department in catalog.departments}
    for item in catalog.items:
        by_department[item.department].append(item)
    for slug, items in by_department.items():
        written.extend(write_department(out, slug, items))
    for folder in (out / "items", out / SPECS_FOLDER):
        for stale in sorted(set(folder.glob("*.yaml")) - set(written)):
            stale.unlink()
    return written
