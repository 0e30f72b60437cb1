"""The render specs' rules beyond their schema, placed on the lines of their files.

The rules themselves are ``ishenzhen.catalog.spec_checks.check_item_spec`` (the ui package's ``check_spec``
— field ids unique, conditions naming existing fields, known licence types, RE2 patterns … — plus the
materials of the item), so the registry and this validator apply the same ones. ``ui_spec_problems`` is the
one call into it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.catalog.source._loading import LoadedCatalog
from ishenzhen.catalog.source._problems import Problem
from ishenzhen.catalog.source.render_specs import pointer_steps
from ishenzhen.catalog.spec_checks import check_item_spec
from ishenzhen.ui.checks import SpecReferences
from ishenzhen.ui.model import RenderSpec

__all__ = ["SpecChecker", "check_render_specs", "ui_spec_problems"]

# (spec, its item, known e-licence type codes, known district codes) -> (JSON pointer in the spec, reason).
SpecChecker = Callable[[RenderSpec, ServiceItem, frozenset[str], frozenset[str]], Iterable[tuple[str, str]]]


def ui_spec_problems(
    spec: RenderSpec, item: ServiceItem, e_licence_types: frozenset[str], districts: frozenset[str]
) -> list[tuple[str, str]]:
    """``check_item_spec`` on one spec, as (pointer, reason) pairs."""
    refs = SpecReferences(e_licence_types=e_licence_types, districts=districts)
    return [(problem.pointer, problem.reason) for problem in check_item_spec(spec, item, refs)]


def check_render_specs(
    loaded: LoadedCatalog, check_spec: SpecChecker = ui_spec_problems
) -> Iterator[Problem]:
    """The semantic problems of every hand-written spec, each at its file and line."""
    catalog = loaded.catalog
    licences = frozenset(licence.code for licence in catalog.e_licence_types)
    districts = frozenset(district.code for district in catalog.districts)
    by_code = {item.code: item for item in catalog.items if item.code in loaded.spec_sources}
    for code, source in sorted(loaded.spec_sources.items()):
        item = by_code[code]
        if item.render_spec is None:  # pragma: no cover - a source is recorded only when its spec attached
            continue
        for pointer, reason in check_spec(item.render_spec, item, licences, districts):
            yield source.problem(code, pointer_steps(pointer), reason)
