"""Writes the catalogue's source files from the vocabulary: the same bytes on every run.

    python -m tools.catalog_generator [--out services_catalog] [--scale N]

``--scale 10`` writes a catalogue ten times larger (74,840 items) for the scale benchmark: every kind then has
ten sub-items, the extra ones named with a ``（情形N）`` suffix so names stay unique in their scope.

The vocabulary knows nothing of the hand-written render specs (``render_specs/``): the generator reads those
already in the output folder, attaches them to their items and writes them back, so a run keeps them — and
stops, writing nothing, when one of them no longer fits (its item is gone, or it does not decode).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from ishenzhen.catalog.model import Catalog, Department, ServiceItem
from ishenzhen.catalog.source.codes import SHENZHEN_DIVISION
from ishenzhen.catalog.source.render_specs import SPECS_FOLDER, read_render_specs
from ishenzhen.catalog.source.validator import CatalogError
from ishenzhen.catalog.source.writer import write_catalog
from tools.catalog_generator.entities import (
    build_departments,
    build_districts,
    build_e_licence_types,
    build_themes,
    office_phone,
)
from tools.catalog_generator.items import Implementation, build_item
from tools.catalog_generator.plan import PlannedKind, plan_catalogue
from tools.catalog_generator.vocabulary import DISTRICT_ROWS, Targets

__all__ = ["build_catalog", "main", "write_catalog"]

_MEAN_DISTRICT_WEIGHT = sum(row[4] for row in DISTRICT_ROWS) / len(DISTRICT_ROWS)


def _implementations(kind: PlannedKind, department: Department, scale: int) -> Iterable[Implementation]:
    for sub_item in range(scale):
        if kind.group.level == "city":
            yield Implementation(
                SHENZHEN_DIVISION,
                department.name,
                department.credit_code,
                department.enquiry_phone,
                1.0,
                sub_item,
            )
            continue
        for body, (_, _, _, _, weight) in zip(department.district_bodies, DISTRICT_ROWS, strict=True):
            yield Implementation(
                body.district,
                body.name,
                body.credit_code,
                office_phone(body.name),
                weight / _MEAN_DISTRICT_WEIGHT,
                sub_item,
            )


def build_catalog(scale: int = 1, *, render_specs: Path | None = None) -> Catalog:
    """The whole catalogue in memory, items sorted by code.

    ``render_specs``: a folder of hand-written specs (``services_catalog/render_specs``) to attach to their
    items; raises CatalogError when one of them cannot be attached.
    """
    departments = build_departments()
    by_slug = {department.slug: department for department in departments}
    items: list[ServiceItem] = []
    for kind in plan_catalogue(Targets(scale)):
        department = by_slug[kind.department.slug]
        items.extend(
            build_item(kind, department, where) for where in _implementations(kind, department, scale)
        )
    items.sort(key=lambda item: item.code)
    if render_specs is not None:
        _, problems = read_render_specs(render_specs, {item.code: item for item in items})
        if problems:
            raise CatalogError(problems)
    return Catalog(
        departments=departments,
        districts=build_districts(),
        themes=build_themes(),
        e_licence_types=build_e_licence_types(),
        items=items,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.catalog_generator",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, default=Path("services_catalog"), help="folder to write into")
    parser.add_argument("--scale", type=int, default=1, help="multiply the number of items (default 1)")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be a positive integer")
    started = time.perf_counter()
    try:
        catalog = build_catalog(args.scale, render_specs=args.out / SPECS_FOLDER)
    except CatalogError as error:
        print(error, file=sys.stderr)
        return 1
    files = write_catalog(catalog, args.out)
    elapsed = time.perf_counter() - started
    print(f"wrote {len(catalog.items)} items in {len(files)} files to {args.out} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
