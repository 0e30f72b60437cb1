"""The OpenAPI document is the contract: committed, equal to what the app serves, and fuzzed with schemathesis.

Every endpoint in the document is fuzzed here, so each endpoint added later is covered without new code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from litestar import Litestar

from ishenzhen.app import create_app
from ishenzhen.openapi_document import render_openapi
from ishenzhen.settings import Settings
from tests.fuzzing.positive_data import excluded_checks

COMMITTED = Path(__file__).parents[1] / "openapi" / "openapi.json"


def test_committed_document_equals_what_the_app_generates(settings: Settings) -> None:
    assert render_openapi(settings) == COMMITTED.read_text(encoding="utf-8"), (
        "openapi/openapi.json is stale: run `ishenzhen openapi export` and commit the result"
    )


@pytest.fixture
def fuzzed_app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
def api_schema(fuzzed_app: Litestar) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/docs/openapi.json", fuzzed_app)


def has_inputs(operation: schemathesis.APIOperation) -> bool:
    return any(
        len(group)
        for group in (operation.path_parameters, operation.query, operation.headers, operation.body)
    )


# schemathesis' pytest integration (from_fixture) breaks on pytest 9.2 (it reads a removed private
# attribute), so each operation's strategies are driven through hypothesis directly: same checks.
@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_api_conforms_to_its_document(
    api_schema: schemathesis.BaseSchema, mode: schemathesis.GenerationMode
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert operations, "the document lists no operations"
    for operation in operations:
        if mode is schemathesis.GenerationMode.NEGATIVE and not has_inputs(operation):
            continue  # nothing to make invalid: no parameters and no body

        @seed(20261124)
        @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def call_and_validate(case: schemathesis.Case) -> None:
            # Every default check, positive_data_acceptance but where the request's validity is semantic
            # (this app's catalogue is empty, so the catalogue's values are unknown to it).
            case.call_and_validate(excluded_checks=excluded_checks(case, catalogue_loaded=False))

        call_and_validate()


# Integers stored in a column are bounded by the column (tests next to each domain); the rest stay exact in a
# JavaScript client, which holds numbers as doubles.
SAFE_INTEGER = 2**53 - 1


def _integers_without_a_bound(node: object, at: str, inherited: float | None = None) -> list[str]:
    if isinstance(node, dict):
        maximum = node.get("maximum", inherited)
        found = []
        if (
            node.get("type") == "integer"
            and "enum" not in node
            and not (isinstance(maximum, int | float) and maximum <= SAFE_INTEGER)
        ):
            found.append(at)
        for key, value in node.items():
            # litestar puts the bound of an optional integer beside its oneOf.
            passed = maximum if key in ("oneOf", "anyOf") else None
            found += _integers_without_a_bound(value, f"{at}/{key}", passed)
        return found
    if isinstance(node, list):
        return [
            bad
            for index, value in enumerate(node)
            for bad in _integers_without_a_bound(value, f"{at}/{index}", inherited)
        ]
    return []


def _request_schemas(document: dict) -> set[str]:
    """Names of every component schema a request body can contain (followed through $refs)."""
    schemas = document["components"]["schemas"]
    pending = [
        content["schema"]
        for path in document["paths"].values()
        for operation in path.values()
        for content in operation.get("requestBody", {}).get("content", {}).values()
    ]
    seen: set[str] = set()
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if reference.startswith("#/components/schemas/"):
                name = reference.rsplit("/", 1)[1]
                if name not in seen:
                    seen.add(name)
                    pending.append(schemas[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return seen


def test_every_integer_a_client_sends_has_a_maximum_that_fits_its_column() -> None:
    import json

    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    unbounded = [
        f"{method.upper()} {path} parameter {parameter['name']}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for parameter in operation.get("parameters", [])
        if _integers_without_a_bound(parameter["schema"], "")
    ]
    for name in sorted(_request_schemas(document)):
        unbounded += [
            f"{name}{at}" for at in _integers_without_a_bound(document["components"]["schemas"][name], "")
        ]
    # litestar drops the constraints of a union member from the document; the model enforces them
    # (``ui.model.RuleInt``, tested in tests/registry/test_integer_bounds.py): the only two such places.
    assert sorted(unbounded) == [
        "FieldEquals/properties/value/oneOf/1",
        "FieldIn/properties/values/items/oneOf/1",
    ]


def _request_examples(document: dict) -> Iterator[tuple[str, Any, dict]]:
    """(where, example, schema) of every request-body example: the media type's named ``examples`` and the
    JSON Schema ``examples`` litestar puts beside a body's schema."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                schema = content["schema"]
                where = f"{method.upper()} {path} {media_type}"
                for name, example in content.get("examples", {}).items():
                    yield f"{where} {name}", example["value"], schema
                for index, example in enumerate(schema.get("examples", [])):
                    yield f"{where} #{index}", example, schema


def test_every_request_body_example_validates_against_its_schema() -> None:
    import json

    import jsonschema_rs

    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    examples = list(_request_examples(document))
    assert len(examples) >= 15, "the request bodies lost their examples"
    invalid = []
    for where, example, schema in examples:
        # The body's schema refers into the document's components: resolved from the same root.
        validator = jsonschema_rs.Draft202012Validator(
            {**schema, "components": document["components"]}, validate_formats=True
        )
        invalid += [
            f"{where}: {error.message} at {list(error.instance_path)}"
            for error in validator.iter_errors(example)
        ]
    assert invalid == []


def test_every_json_body_of_three_fields_or_more_has_an_example() -> None:
    import json

    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]

    def fields(schema: dict) -> int:
        for part in [schema, *schema.get("allOf", [])]:
            if "$ref" in part:
                return len(schemas[part["$ref"].rsplit("/", 1)[1]].get("properties", {}))
        return len(schema.get("properties", {}))

    with_examples = {where.rsplit(" ", 1)[0] for where, _, _ in _request_examples(document)}
    bare = [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if (content := operation.get("requestBody", {}).get("content", {}).get("application/json"))
        and fields(content["schema"]) >= 3
        and f"{method.upper()} {path} application/json" not in with_examples
    ]
    assert bare == []
