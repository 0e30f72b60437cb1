"""Adapter to the render-spec checks of ``ishenzhen.ui.checks`` (written in the ``ui`` branch).

The registry never checks specs itself: one implementation, in ``ui``. Until that module is merged this
adapter finds nothing to call and reports no problems (logged once); after the merge it is used as is, and
the lead may replace the lazy import by a plain one.
"""

from __future__ import annotations

import importlib

import structlog

from ishenzhen.catalog.source.item_checks import ItemReferences
from ishenzhen.catalog.source.model import ServiceItem

__all__ = ["render_spec_problems"]

log = structlog.get_logger(__name__)
_CHECKS_MODULE = "ishenzhen.ui.checks"
_warned = False


def render_spec_problems(item: ServiceItem, references: ItemReferences) -> list[tuple[str, str]]:
    """(pointer relative to the spec root, reason) for every problem of ``item.render_spec``."""
    global _warned
    if item.render_spec is None:
        return []
    try:
        checks = importlib.import_module(_CHECKS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != _CHECKS_MODULE:
            raise
        if not _warned:
            log.warning("registry.spec_checks_unavailable", module=_CHECKS_MODULE)
            _warned = True
        return []
    spec_references = checks.SpecReferences(
        e_licence_types=frozenset(references.licences), districts=frozenset(references.districts)
    )
    return [
        (problem.pointer, problem.reason)
        for problem in checks.check_spec(item.render_spec, item, spec_references)
    ]
