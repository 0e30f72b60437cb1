"""The positive-data exclusions name real operations and parameters, and leave the check on the rest."""

from __future__ import annotations

import json
from pathlib import Path

from ishenzhen.approvals.facts import DISTRICT_NAMES
from ishenzhen.catalog.model import Catalog
from tests.fuzzing.positive_data import (
    CATALOGUE_VALUES,
    CHECK_CHARACTERS,
    FUTURE_TIMES,
    SEMANTIC_OPERATIONS,
    SEMANTIC_PARAMETERS,
)

DOCUMENT = json.loads((Path(__file__).parents[2] / "openapi" / "openapi.json").read_text(encoding="utf-8"))
METHODS = {"get", "put", "post", "delete", "patch"}


def operations() -> dict[str, list[dict]]:
    """Each operation's label (as schemathesis spells it) and its parameters."""
    return {
        f"{method.upper()} {path}": operation.get("parameters", [])
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_every_exclusion_names_a_real_operation_or_parameter_and_says_why() -> None:
    labels = operations()
    assert set(SEMANTIC_OPERATIONS) <= set(labels), sorted(set(SEMANTIC_OPERATIONS) - set(labels))
    declared = {(parameter["in"], parameter["name"]) for found in labels.values() for parameter in found}
    assert set(SEMANTIC_PARAMETERS) | set(CHECK_CHARACTERS) <= declared
    body_fields = {
        name for schema in DOCUMENT["components"]["schemas"].values() for name in schema.get("properties", {})
    }
    assert {name for location, name in FUTURE_TIMES if location == "body"} <= body_fields
    for label, location, name in CATALOGUE_VALUES:
        assert any((p["in"], p["name"]) == (location, name) and "enum" in p["schema"] for p in labels[label])
    reasons = [*SEMANTIC_OPERATIONS.values(), *SEMANTIC_PARAMETERS.values(), *FUTURE_TIMES.values()]
    assert all(len(reason) > 30 for reason in reasons)


def test_positive_data_acceptance_runs_on_every_operation_but_the_semantic_ones() -> None:
    labels = operations()
    checked = [label for label in labels if label not in SEMANTIC_OPERATIONS]
    # Before the document said what the API enforces the check ran nowhere; now on all of these (the
    # parameter and check-character exclusions only skip single requests of them).
    print(f"positive_data_acceptance runs on {len(checked)} of {len(labels)} operations")
    assert len(checked) == len(labels) - len(SEMANTIC_OPERATIONS)
    assert len(checked) >= 60


def test_the_home_screens_district_enum_is_the_catalogues_districts(full_catalogue: Catalog) -> None:
    (district,) = [p for p in operations()["GET /v1/app/home"] if p["name"] == "district"]
    assert district["schema"]["enum"] == sorted(DISTRICT_NAMES)
    assert sorted(d.code for d in full_catalogue.districts) == sorted(DISTRICT_NAMES)
