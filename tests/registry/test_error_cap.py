"""A write with a huge number of problems answers a small 422: the first problems, and how many there were."""

from __future__ import annotations

import time

from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.errors import MAX_LISTED_ERRORS
from tests.registry.conftest import Token, as_json, bearer
from tests.test_errors import assert_problem

Client = AsyncTestClient[Litestar]
ITEMS = "/v1/registry/items"


async def test_300k_empty_materials_answer_one_small_422_quickly(
    client: Client, token: Token, new_item: ServiceItem
) -> None:
    archives = await token("archives")
    started = time.perf_counter()
    response = await client.post(
        ITEMS, json=as_json(new_item, materials=[{}] * 300_000), headers=bearer(archives)
    )
    elapsed = time.perf_counter() - started
    body = assert_problem(response, 422, "invalid-input")
    assert len(response.content) < 4_096
    assert [error["name"] for error in body["errors"]] == ["/materials"]
    assert "100" in body["errors"][0]["reason"]
    assert elapsed < 5  # was 28 MB and over a second of CPU for the listing alone


async def test_problems_beyond_the_cap_are_counted_not_listed(
    client: Client, token: Token, new_item: ServiceItem
) -> None:
    archives = await token("archives")
    response = await client.post(
        ITEMS, json=as_json(new_item, materials=[{}] * 100, faq=[{}] * 50), headers=bearer(archives)
    )
    body = assert_problem(response, 422, "invalid-input")
    # One problem per empty entry at least: 150 or more.
    assert len(body["errors"]) == MAX_LISTED_ERRORS
    assert body["error_count"] >= 150
    assert str(body["error_count"]) in body["detail"]
    assert body["errors"][0]["name"].startswith("/materials/0")
