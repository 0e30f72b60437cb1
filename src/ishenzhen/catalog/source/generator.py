"""Writes the catalogue's source files from the vocabulary: the same bytes on every run.

    python -m ishenzhen.catalog.source.generator [--out services_catalog] [--scale N]

``--scale 10`` writes a catalogue ten times larger (74,840 items) for the scale benchmark: every kind then has
ten sub-items, the extra ones named with a ``（情形N）`` suffix so names stay unique in their scope.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import msgspec
import yaml

from ishenzhen.catalog.source._entities import (
    build_departments,
    build_districts,
    build_e_licence_types,
    build_themes,
    office_phone,
)
from ishenzhen.catalog.source._items import Implementation, build_item
from ishenzhen.catalog.source._plan import PlannedKind, plan_catalogue
from ishenzhen.catalog.source.codes import SHENZHEN_DIVISION
from ishenzhen.catalog.source.model import Catalog, Department, Material, ServiceItem
from ishenzhen.catalog.source.vocabulary import DISTRICT_ROWS, Targets

__all__ = ["build_catalog", "items_file_text", "main", "write_catalog", "write_items_file"]

HEADER = (
    "# 深圳市政务服务事项目录（i深圳）。由 `python -m ishenzhen.catalog.source.generator` 生成；\n"
    "# 校验：`python -m ishenzhen.catalog.source.validator`。说明见 README.md。\n"
)
_MEAN_DISTRICT_WEIGHT = sum(row[4] for row in DISTRICT_ROWS) / len(DISTRICT_ROWS)


def _implementations(kind: PlannedKind, department: Department, scale: int) -> Iterable[Implementation]:
    for sub_item in range(scale):
        if kind.group.level == "city":
            yield Implementation(SHENZHEN_DIVISION, department.name, department.credit_code,
                                 department.enquiry_phone, 1.0, sub_item)  # fmt: skip
            continue
        for body, (_, _, _, _, weight) in zip(department.district_bodies, DISTRICT_ROWS, strict=True):
            yield Implementation(body.district, body.name, body.credit_code, office_phone(body.name),
                                 weight / _MEAN_DISTRICT_WEIGHT, sub_item)  # fmt: skip


def build_catalog(scale: int = 1) -> Catalog:
    """The whole catalogue in memory, items sorted by code."""
    departments = build_departments()
    by_slug = {department.slug: department for department in departments}
    items: list[ServiceItem] = []
    for kind in plan_catalogue(Targets(scale)):
        department = by_slug[kind.department.slug]
        items.extend(
            build_item(kind, department, where) for where in _implementations(kind, department, scale)
        )
    items.sort(key=lambda item: item.code)
    return Catalog(
        departments=departments,
        districts=build_districts(),
        themes=build_themes(),
        e_licence_types=build_e_licence_types(),
        items=items,
    )


class _Dumper(yaml.CSafeDumper):
    """Block style, no anchors: equal lists must stay spelled out so a clerk can edit one of them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # Codes are digit strings; quoting them keeps every YAML reader (1.1 or 1.2) from taking them as numbers.
    style = "'" if data.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


_MATERIAL_DEFAULTS = {
    info.encode_name: info.default
    for info in msgspec.structs.fields(Material)
    if info.default is not msgspec.NODEFAULT
}


def _short_materials(document: Any) -> Any:
    """Leave material fields at their default out of the file; loading fills them back in."""
    for item in document.get("items", ()):
        if item.get("render_spec", _KEEP) is None:
            del item["render_spec"]
        item["materials"] = [
            {key: value for key, value in material.items() if _MATERIAL_DEFAULTS.get(key, _KEEP) != value}
            for material in item["materials"]
        ]
    return document


_KEEP = object()


def _write_yaml(path: Path, document: dict[str, Any]) -> None:
    path.write_text(_yaml_text(document), encoding="utf-8")


def _yaml_text(document: dict[str, Any]) -> str:
    text = yaml.dump(
        _short_materials(msgspec.to_builtins(document)),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,  # no folding of long Chinese lines: one value, one line, one diff hunk
    )
    return HEADER + text


def items_file_text(department: str, items: list[ServiceItem]) -> str:
    """The text of ``items/<department>.yaml`` for ``items`` (sorted by code by the caller)."""
    return _yaml_text({"department": department, "items": items})


def write_items_file(out: Path, department: str, items: list[ServiceItem]) -> list[Path]:
    """Write one department's items under ``out`` (``items/<department>.yaml``); the files written."""
    path = out / "items" / f"{department}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(items_file_text(department, items), encoding="utf-8")
    return [path]


def write_catalog(catalog: Catalog, out: Path) -> list[Path]:
    """Write every file of ``catalog`` under ``out``; item files of departments no longer present are removed."""
    items_dir = out / "items"
    items_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, key, rows in (
        ("departments.yaml", "departments", catalog.departments),
        ("districts.yaml", "districts", catalog.districts),
        ("themes.yaml", "themes", catalog.themes),
        ("e_licence_types.yaml", "e_licence_types", catalog.e_licence_types),
    ):
        _write_yaml(out / name, {key: rows})
        written.append(out / name)
    by_department: dict[str, list[ServiceItem]] = {department.slug: [] for department in catalog.departments}
    for item in catalog.items:
        by_department[item.department].append(item)
    for slug, items in by_department.items():
        written.extend(write_items_file(out, slug, items))
    for stale in sorted(set(items_dir.glob("*.yaml")) - set(written)):
        stale.unlink()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ishenzhen.catalog.source.generator", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--out", type=Path, default=Path("services_catalog"), help="folder to write into")
    parser.add_argument("--scale", type=int, default=1, help="multiply the number of items (default 1)")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be a positive integer")
    started = time.perf_counter()
    catalog = build_catalog(args.scale)
    files = write_catalog(catalog, args.out)
    elapsed = time.perf_counter() - started
    print(f"wrote {len(catalog.items)} items in {len(files)} files to {args.out} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
