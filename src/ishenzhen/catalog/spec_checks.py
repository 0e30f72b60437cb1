"""A render spec checked against the catalogue item that publishes it.

``ui.checks.check_spec`` knows the render-spec model only; what an item adds — the materials an upload slot may
name, the code a message names — comes from here, so the ui layer never imports the catalogue.
"""

from __future__ import annotations

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.ui.checks import SpecProblem, SpecReferences, check_spec
from ishenzhen.ui.model import RenderSpec

__all__ = ["check_item_spec"]


def check_item_spec(spec: RenderSpec, item: ServiceItem, refs: SpecReferences) -> list[SpecProblem]:
    """Every problem of ``spec`` as ``item``'s render spec; empty when it is fine."""
    materials = frozenset(material.name for material in item.materials)
    return check_spec(spec, refs, materials=materials, owner=item.code)
