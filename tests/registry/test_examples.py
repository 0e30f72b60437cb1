"""The registry item body in the OpenAPI document is one the registry accepts, rule set included."""

from __future__ import annotations

import msgspec

from ishenzhen.catalog.model import Catalog
from ishenzhen.catalog.source.item_checks import ItemReferences
from ishenzhen.registry._validation import validate_item
from ishenzhen.registry.examples import ITEM_EXAMPLE


def test_the_documented_item_passes_the_registrys_validation(source_catalog: Catalog) -> None:
    references = ItemReferences(
        departments={d.slug: d for d in source_catalog.departments},
        themes={t.code for t in source_catalog.themes},
        licences={e.code for e in source_catalog.e_licence_types},
        districts={d.code for d in source_catalog.districts},
    )
    item = validate_item(ITEM_EXAMPLE, references, department=ITEM_EXAMPLE["department"])
    assert item.rule_set == ITEM_EXAMPLE["rule_set"]
    assert msgspec.to_builtins(item)["name"] == "应届毕业生接收"
