"""The rule set approvals evaluate for an item: the one published with the item's current registry version,
else the city's template for it (``services_catalog/rules/``).

Read from the catalogue snapshot, which follows publications through the change feed, so a newly published
rule set applies from the moment its version does, on every instance, without a query per decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import structlog

from ishenzhen.approvals.rule_set import RuleSet, RuleSetInvalid, register
from ishenzhen.catalog.snapshot import CatalogSnapshot

__all__ = ["PublishedRuleSets", "current_rule_set"]

log = structlog.get_logger(__name__)


class PublishedRuleSets(Mapping[str, RuleSet]):
    """Item code -> the rule set in force. ``snapshot`` returns the catalogue's current snapshot (or None
    before the catalogue is loaded); ``templates`` are the city's rule sets by item."""

    def __init__(
        self, snapshot: Callable[[], CatalogSnapshot | None], templates: Mapping[str, RuleSet]
    ) -> None:
        self._snapshot = snapshot
        self._templates = templates
        # (code, version) -> compiled: a published version never changes, so it is registered once.
        self._compiled: dict[tuple[str, int], RuleSet | None] = {}

    def _published(self, code: str) -> tuple[int, dict[str, Any]] | None:
        snapshot = self._snapshot()
        position = snapshot.position_by_code.get(code) if snapshot is not None else None
        if snapshot is None or position is None:
            return None
        item = snapshot.items[position]
        return (item.version, item.rule_set) if item.rule_set is not None else None

    def __getitem__(self, code: str) -> RuleSet:
        published = self._published(code)
        if published is None:
            return self._templates[code]
        version, document = published
        key = (code, version)
        if key not in self._compiled:
            try:
                self._compiled[key] = register(document)
            except RuleSetInvalid as exc:
                # Registration checked it; failing now means the checks changed since. Deciding by an older
                # template would not be what the department published: no rule set, so a clerk decides.
                log.error(
                    "registry.published_rule_set_invalid",
                    item=code,
                    version=version,
                    problems=len(exc.errors),
                )
                self._compiled[key] = None
        compiled = self._compiled[key]
        if compiled is None:
            raise KeyError(code)
        return compiled

    def __iter__(self) -> Iterator[str]:
        snapshot = self._snapshot()
        published = {item.code for item in snapshot.items if item.rule_set is not None} if snapshot else set()
        yield from self._templates
        yield from sorted(published - set(self._templates))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def current_rule_set(rule_sets: Mapping[str, RuleSet], code: str) -> RuleSet | None:
    """What approvals evaluate for ``code`` now; None when the item has no (usable) rule set."""
    try:
        return rule_sets[code]
    except KeyError:
        return None
