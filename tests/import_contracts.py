"""An import-linter contract the built-in ones cannot express: a ``_private`` module is its package's own.

import-linter's module expressions match whole names only (``ishenzhen.*.controllers``, never
``ishenzhen.*._*``), so "no package imports another package's ``_private`` module" would otherwise be one
hand-kept list per package, which a new private module silently escapes. This contract finds every module
whose last name starts with ``_`` (dunder modules excepted) and allows importing it only from inside the
package that contains it. ``lint-imports`` puts the working directory on ``sys.path``, so it loads this file
as ``tests.import_contracts`` (``contract_types`` in ``pyproject.toml``).
"""

from __future__ import annotations

from typing import cast

import grimp
from importlinter import Contract, ContractCheck, fields, output

__all__ = ["PrivateModulesContract"]


def _is_private(module: str) -> bool:
    name = module.rsplit(".", 1)[-1]
    return name.startswith("_") and not name.startswith("__")


def _owner(module: str) -> str:
    """The package a private module belongs to: its parent."""
    return module.rsplit(".", 1)[0]


class PrivateModulesContract(Contract):
    """Options: ``containers`` (the packages whose modules are checked), ``ignore_imports`` (optional)."""

    type_name = "private_modules"

    containers = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        # import-linter's fields are declared as descriptors but hold the parsed option values.
        ignored = cast("set[str] | None", self.ignore_imports) or set()
        violations: list[dict[str, object]] = []
        for container in cast("list[str]", self.containers):
            for imported in sorted(graph.find_descendants(container)):
                if not _is_private(imported):
                    continue
                owner = _owner(imported)
                for importer in sorted(graph.find_modules_that_directly_import(imported)):
                    if importer == owner or importer.startswith(owner + "."):
                        continue
                    if f"{importer} -> {imported}" in ignored:
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    violations.append(
                        {
                            "importer": importer,
                            "imported": imported,
                            "lines": [detail["line_number"] for detail in details],
                        }
                    )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            lines = ", ".join(f"l.{line}" for line in violation["lines"])
            output.print_error(
                f"{violation['importer']} imports {violation['imported']}, private to its package ({lines})",
                bold=False,
            )
        output.new_line()
