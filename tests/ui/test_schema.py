"""The published JSON Schema is what the model generates, and real specs validate against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import msgspec

from ishenzhen.catalog.default_spec import default_spec
from ishenzhen.catalog.model import Catalog
from ishenzhen.ui.schema import SCHEMA_FILE, render_spec_schema, render_spec_schema_text

COMMITTED = Path(__file__).parents[2] / "openapi" / SCHEMA_FILE


def test_committed_schema_equals_what_the_model_generates() -> None:
    assert SCHEMA_FILE == "render-spec-1.schema.json"
    assert render_spec_schema_text() == COMMITTED.read_text(encoding="utf-8"), (
        f"openapi/{SCHEMA_FILE} is stale: run `ishenzhen openapi export` and commit the result"
    )


def test_default_specs_validate_against_the_published_schema(catalogue: Catalog) -> None:
    validator = jsonschema_rs.validator_for(render_spec_schema())
    for item in catalogue.items[::97]:
        validator.validate(json.loads(msgspec.json.encode(default_spec(item))))
    assert not validator.is_valid({"spec_version": "1.0", "guide": {"sections": []}, "form": {"steps": []}})
    broken = json.loads(msgspec.json.encode(default_spec(catalogue.items[0])))
    broken["form"]["steps"][0]["components"][0]["type"] = "hologram"
    assert not validator.is_valid(broken)
