"""Reading the catalogue's rule families (``services_catalog/rules/*.yaml``) into registered rule sets.

Parsing YAML text is not I/O; reading the folder is, so it happens once, at start-up or in a test, and the
caller passes the folder in.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path

import yaml

from ishenzhen.approvals.rule_set import RuleSet, RuleSetInvalid, expand_family, family_pointer, register
from ishenzhen.errors import FieldError

__all__ = ["RuleSetFolder", "cached_rule_sets", "load_rule_sets", "parse_family"]


def parse_family(text: str, origin: str) -> list[RuleSet]:
    """Every item's rule set in one family file; problems are prefixed with the file name."""
    document = yaml.safe_load(text)
    if not isinstance(document, dict):
        raise RuleSetInvalid(
            f"{origin}: 规则文件须为对象", errors=[FieldError("rule_set", f"{origin}#/", "object")]
        )
    try:
        expanded = expand_family(document)
    except RuleSetInvalid as exc:
        errors = [FieldError(e.location, f"{origin}#{e.name}", e.reason) for e in exc.errors]
        raise RuleSetInvalid(f"{origin}: {exc.detail}", errors=errors) from None
    shared = document.get("conditions")
    shared_count = len(shared) if isinstance(shared, list) else 0
    rule_sets: list[RuleSet] = []
    errors = []
    for index, item_document in enumerate(expanded):
        try:
            rule_sets.append(register(item_document))
        except RuleSetInvalid as exc:
            for error in exc.errors:
                pointer = family_pointer(error.name, index, shared_count)
                entry = FieldError(error.location, f"{origin}#{pointer}", error.reason)
                if entry not in errors:  # a template problem shows once, not once per item
                    errors.append(entry)
    if errors:
        raise RuleSetInvalid(f"{origin}: {len(errors)} problem(s)", errors=errors)
    return rule_sets


def load_rule_sets(folder: Path) -> dict[str, RuleSet]:
    """Item code -> rule set, for every family file in ``folder``; an item in two families is an error."""
    rule_sets: dict[str, RuleSet] = {}
    errors: list[FieldError] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            family = parse_family(path.read_text(encoding="utf-8"), path.name)
        except RuleSetInvalid as exc:
            errors.extend(exc.errors)
            continue
        for rule_set in family:
            if rule_set.item in rule_sets:
                errors.append(
                    FieldError("rule_set", f"{path.name}#/items", f"事项重复 item twice: {rule_set.item}")
                )
            rule_sets[rule_set.item] = rule_set
    if errors:
        raise RuleSetInvalid(
            f"规则目录有 {len(errors)} 处问题 {len(errors)} problem(s) in the rules", errors=errors
        )
    return rule_sets


@functools.cache
def _cached(folder: Path, stamp: tuple[tuple[str, int], ...]) -> dict[str, RuleSet]:
    return load_rule_sets(folder)


def cached_rule_sets(folder: Path) -> dict[str, RuleSet]:
    """``load_rule_sets``, registered once per process for as long as no file in ``folder`` changes.

    Registration probes every condition (about half a second for the 200 items); an app started many times in
    one process, as the test suite does, pays it once.
    """
    stamp = tuple(sorted((path.name, path.stat().st_mtime_ns) for path in folder.glob("*.yaml")))
    return dict(_cached(folder.resolve(), stamp))


class RuleSetFolder(Mapping[str, RuleSet]):
    """Item code -> rule set, registered from ``folder`` on first use rather than at start-up.

    Registering all 200 items takes 0.5–1.5 s; the service's start (and every test app's) should not wait for
    it when no instant-approval application arrives. The suite registers every file, so a bad one fails there.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._rule_sets: dict[str, RuleSet] | None = None

    def _loaded(self) -> dict[str, RuleSet]:
        if self._rule_sets is None:
            self._rule_sets = cached_rule_sets(self.folder)
        return self._rule_sets

    def __getitem__(self, item: str) -> RuleSet:
        return self._loaded()[item]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())
