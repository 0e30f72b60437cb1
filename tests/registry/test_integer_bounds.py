"""Integers beyond their column's range are refused as 4xx naming the field, never passed to PostgreSQL."""

from __future__ import annotations

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.model import ServiceItem
from tests.registry.conftest import Token, as_json, bearer
from tests.test_errors import assert_problem

Client = AsyncTestClient[Litestar]
ITEMS = "/v1/registry/items"
ARCHIVES_ITEM = "200410001000440300"
INT4_OVERFLOW = 2_147_483_648


@pytest.mark.parametrize("query", [f"from={INT4_OVERFLOW}&to=1", f"from=1&to={INT4_OVERFLOW}"])
async def test_diff_version_beyond_the_column_is_400_naming_the_parameter(
    client: Client, token: Token, query: str
) -> None:
    archives = await token("archives")
    response = await client.get(f"{ITEMS}/{ARCHIVES_ITEM}/diff?{query}", headers=bearer(archives))
    body = assert_problem(response, 400, "bad-request")
    bad = "from" if query.startswith(f"from={INT4_OVERFLOW}") else "to"
    assert body["errors"][0]["location"] == "query" and body["errors"][0]["name"] == bad


@pytest.mark.parametrize("to_version", [INT4_OVERFLOW, 125965013846.0])
async def test_rollback_to_a_version_beyond_the_column_is_422_naming_the_field(
    client: Client, token: Token, to_version: float
) -> None:
    archives = await token("archives")
    response = await client.post(
        f"{ITEMS}/{ARCHIVES_ITEM}/rollback",
        json={"to_version": to_version, "reason": "恢复"},
        headers=bearer(archives),
    )
    body = assert_problem(response, 422, "invalid-input")
    assert "to_version" in body["detail"]


@pytest.mark.parametrize(("field", "value"), [("version", INT4_OVERFLOW), ("popularity", 2**63)])
async def test_item_integers_beyond_their_range_are_422_naming_the_field(
    client: Client, token: Token, new_item: ServiceItem, field: str, value: int
) -> None:
    archives = await token("archives")
    response = await client.post(ITEMS, json=as_json(new_item, **{field: value}), headers=bearer(archives))
    body = assert_problem(response, 422, "invalid-input")
    assert f"/{field}" in [error["name"] for error in body["errors"]]


def test_rule_comparison_integers_stay_exact_in_a_javascript_client() -> None:
    from ishenzhen.ui.model import FieldEquals

    assert (
        msgspec.convert({"type": "equals", "field": "a", "value": 2**53 - 1}, FieldEquals).value == 2**53 - 1
    )
    with pytest.raises(msgspec.ValidationError, match=r"\$\.value"):
        msgspec.convert({"type": "equals", "field": "a", "value": 2**53}, FieldEquals)
