"""The public catalogue API over the real 7,484 items, as the app and a CDN see it."""

from __future__ import annotations

from collections import Counter

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.model import Catalog

Client = AsyncTestClient[Litestar]


async def fetch_all(client: Client, params: dict[str, object], limit: int = 100) -> tuple[list[dict], int]:
    items: list[dict] = []
    cursor = None
    total = -1
    while True:
        page_params = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/catalog/items", params=page_params)
        assert response.status_code == 200, response.text
        page = response.json()
        total = page["total"]
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items, total


async def test_first_page_counts_the_whole_catalogue(catalog_client: Client) -> None:
    response = await catalog_client.get("/v1/catalog/items")
    page = response.json()
    assert response.status_code == 200
    assert page["total"] == 7484 and len(page["items"]) == 20 and page["next_cursor"]
    popularity_order = [item["code"] for item in page["items"]]
    assert len(set(popularity_order)) == 20


async def test_cursor_paging_visits_each_item_of_a_filter_once(
    catalog_client: Client, real_catalog: Catalog
) -> None:
    department = Counter(i.department for i in real_catalog.items).most_common(1)[0][0]
    items, total = await fetch_all(catalog_client, {"department": department}, limit=37)
    codes = [i["code"] for i in items]
    assert len(codes) == len(set(codes)) == total
    assert total == sum(1 for i in real_catalog.items if i.department == department)


async def test_a_district_view_adds_city_level_items(catalog_client: Client, real_catalog: Catalog) -> None:
    items, total = await fetch_all(catalog_client, {"district": "440304"})
    expected = sum(1 for i in real_catalog.items if i.district in (None, "440304"))
    assert total == len(items) == expected
    assert {i["district"]["code"] for i in items if i["district"]} == {"440304"}


async def test_instant_approval_and_other_filters(catalog_client: Client) -> None:
    page = (
        await catalog_client.get("/v1/catalog/items", params={"instant_approval": "true", "limit": 100})
    ).json()
    assert page["total"] == 200
    assert all(i["instant_approval"] for i in page["items"])
    page = (
        await catalog_client.get("/v1/catalog/items", params={"audience": "legal_person", "limit": 100})
    ).json()
    assert all(i["audience"] in ("legal_person", "both") for i in page["items"])
    page = (await catalog_client.get("/v1/catalog/items", params={"channel": "window", "visits": 1})).json()
    assert all("window" in i["channels"] and i["visits"] == 1 for i in page["items"])


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"department": "Robert'); DROP TABLE"}, "department"),
        ({"district": "福田"}, "district"),
        ({"district": "4403041"}, "district"),
        ({"theme": "养老"}, "theme"),
        ({"audience": "alien"}, "audience"),
        ({"item_type": "bribe"}, "item_type"),
        ({"visits": "7"}, "visits"),
        ({"limit": "1000"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"cursor": "!!not-a-cursor"}, "cursor"),
        ({"cursor": "WyJ4Il0"}, "cursor"),
        ({"instant_approval": "perhaps"}, "instant_approval"),
    ],
)
async def test_bad_list_parameters_are_400_naming_the_parameter(
    catalog_client: Client, params: dict[str, str], parameter: str
) -> None:
    response = await catalog_client.get("/v1/catalog/items", params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert parameter in {e["name"] for e in response.json()["errors"]}


@pytest.mark.parametrize(
    "params", [{"department": "no-such-department"}, {"district": "999999"}, {"theme": "nope"}]
)
async def test_well_formed_codes_that_name_nothing_select_nothing(
    catalog_client: Client, params: dict[str, str]
) -> None:
    response = await catalog_client.get("/v1/catalog/items", params=params)
    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0, "limit": 20, "next_cursor": None}


async def test_item_detail_is_the_full_guide(catalog_client: Client, real_catalog: Catalog) -> None:
    deregistration = next(i for i in real_catalog.items if i.name == "企业注销登记")
    response = await catalog_client.get(f"/v1/catalog/items/{deregistration.code}")
    assert response.status_code == 200
    guide = response.json()
    assert (
        guide["name"] == "企业注销登记" and guide["instant_approval"] is True and guide["promised_days"] == 1
    )
    assert guide["materials"] and guide["legal_basis"] and guide["result"]["name"]
    assert isinstance(guide["fees"], list)
    assert guide["department"]["name"] and guide["implementing_body"]["credit_code"]
    assert "popularity" not in guide


async def test_unknown_item_is_404(catalog_client: Client) -> None:
    response = await catalog_client.get("/v1/catalog/items/NO-SUCH-CODE")
    assert response.status_code == 404
    assert "NO-SUCH-CODE" in response.json()["detail"]


async def test_etag_and_conditional_get(catalog_client: Client) -> None:
    first = await catalog_client.get("/v1/catalog/items")
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    again = await catalog_client.get("/v1/catalog/items", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = await catalog_client.get("/v1/catalog/items", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200


async def test_reference_lists_carry_counts(catalog_client: Client, real_catalog: Catalog) -> None:
    departments = (await catalog_client.get("/v1/catalog/departments")).json()
    assert len(departments) == 68
    assert sum(d["item_count"] for d in departments) == 7484
    districts = (await catalog_client.get("/v1/catalog/districts")).json()
    assert {d["name"] for d in districts} == {
        "福田区",
        "罗湖区",
        "南山区",
        "盐田区",
        "宝安区",
        "龙岗区",
        "龙华区",
        "坪山区",
        "光明区",
        "大鹏新区",
    }
    themes = (await catalog_client.get("/v1/catalog/themes")).json()
    assert themes and all(t["item_count"] >= 0 for t in themes)
    assert sum(1 for t in themes if t["item_count"] > 0) >= len(themes) // 2
