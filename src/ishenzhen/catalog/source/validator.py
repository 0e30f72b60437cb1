"""Loads and checks the catalogue's source files; reports every problem with its file, line and field.

    python -m ishenzhen.catalog.source.validator [PATH] [--scale N]

prints one line per problem, ``file:line: item_code field: reason``, and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ishenzhen.catalog.model import Catalog
from ishenzhen.catalog.source._checks import check_catalog
from ishenzhen.catalog.source._loading import Problem, read_catalog
from ishenzhen.catalog.source._spec_checks import SpecChecker, ui_spec_problems
from ishenzhen.catalog.source.facts import Targets

__all__ = ["CatalogError", "Problem", "load_catalog", "validate"]

DEFAULT_PATH = Path("services_catalog")


class CatalogError(Exception):
    """The catalogue could not be read; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(problem) for problem in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the catalogue:\n{shown}{more}")


def load_catalog(path: Path | str = DEFAULT_PATH) -> Catalog:
    """The catalogue under ``path`` as Structs. Raises CatalogError when a file or row cannot be read.

    Only the schema is checked here; ``validate`` checks the rules too.
    """
    loaded = read_catalog(Path(path))
    if loaded.problems:
        raise CatalogError(loaded.problems)
    return loaded.catalog


def validate(
    path: Path | str = DEFAULT_PATH, *, scale: int = 1, check_spec: SpecChecker = ui_spec_problems
) -> list[Problem]:
    """Every problem of the catalogue under ``path``: unreadable rows and specs, broken rules, wrong figures.

    ``scale`` is the generator's: the expected counts are the article's figures times ``scale``.
    ``check_spec`` checks one render spec beyond its schema (``ui.checks``).
    """
    loaded = read_catalog(Path(path))
    return loaded.problems + check_catalog(loaded, Targets(scale), check_spec)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ishenzhen.catalog.source.validator",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH, help="catalogue folder")
    parser.add_argument("--scale", type=int, default=1, help="the scale the catalogue was generated at")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    problems = validate(args.path, scale=args.scale)
    elapsed = time.perf_counter() - started
    for problem in problems:
        print(problem)
    summary = f"{len(problems)} problem(s) in {args.path} ({elapsed:.2f} s)"
    print(summary, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
