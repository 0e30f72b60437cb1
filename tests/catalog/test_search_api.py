"""Search as a citizen types it: Chinese, synonyms, pinyin, initials, typos; bad input gets a clear answer."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


async def search(client: Client, q: str, **params: object) -> dict:
    response = await client.get("/v1/catalog/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return response.json()


def names(page: dict) -> list[str]:
    return [result["item"]["name"] for result in page["results"]]


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("老龄津贴发放", "老龄津贴发放"),
        ("laolingjintie", "老龄津贴发放"),
        ("lao ling jin tie", "老龄津贴发放"),
        ("lljt", "老龄津贴发放"),
        ("laolinjintie", "老龄津贴发放"),
        ("网约车", "网络预约出租汽车驾驶员证核发"),
        # An abbreviation typed in pinyin or initials means what it means in Chinese.
        ("wangyueche", "网络预约出租汽车驾驶员证核发"),
        ("wyc", "网络预约出租汽车驾驶员证核发"),
    ],
)
async def test_the_item_a_citizen_means_comes_first(
    catalog_client: Client, query: str, expected_first: str
) -> None:
    assert names(await search(catalog_client, query))[0] == expected_first


async def test_chinese_substrings_and_synonyms(catalog_client: Client) -> None:
    assert any("公积金提取" in name for name in names(await search(catalog_client, "公积金提取"))[:5])
    # As the app asks: within the citizen's district, so district copies do not crowd the first page.
    in_district = names(await search(catalog_client, "身份证", district="440304"))[:5]
    assert any("居民身份证" in name for name in in_district)
    social = names(await search(catalog_client, "社保", limit=50))
    assert any("社会保险" in name for name in social)
    licence = names(await search(catalog_client, "营业执照", limit=50))
    assert "企业设立登记" in licence


async def test_highlights_point_at_the_matched_characters(catalog_client: Client) -> None:
    page = await search(catalog_client, "津贴")
    top = page["results"][0]
    name = top["item"]["name"]
    assert top["highlight"]["field"] == "name"
    assert any(name[start:end] == "津贴" for start, end in top["highlight"]["spans"])


async def test_ranking_puts_name_matches_before_text_matches(catalog_client: Client) -> None:
    page = await search(catalog_client, "身份证", limit=50)
    tiers = [result["rank_tier"] for result in page["results"]]
    assert tiers == sorted(tiers)


async def test_search_respects_filters_and_pages(catalog_client: Client) -> None:
    page = await search(catalog_client, "老龄津贴", district="440305", limit=5)
    assert all(r["item"]["district"] in (None, {"code": "440305", "name": "南山区"}) for r in page["results"])
    assert sum(1 for n in names(page) if n == "老龄津贴发放") == 1
    wide = await search(catalog_client, "登记", limit=10)
    assert wide["total"] > 10 and wide["next_cursor"]
    second = await search(catalog_client, "登记", limit=10, cursor=wide["next_cursor"])
    first_codes = {r["item"]["code"] for r in wide["results"]}
    assert not first_codes & {r["item"]["code"] for r in second["results"]}


async def test_everyday_words_find_the_official_item(catalog_client: Client) -> None:
    # The examples: none of these words is in the item's name.
    for query, official in [
        ("开饭店", "食品经营许可证核发"),
        ("换驾照", "机动车驾驶证换证"),
        ("生孩子报销", "生育医疗费用报销"),
        ("补办身份证", "居民身份证补领"),
        ("公司改名", "企业变更登记"),
        ("上小学", "义务教育阶段学位申请（小学一年级）"),
        ("租房补助", "租房补贴申领"),
        ("护照过期", "普通护照换发"),
    ]:
        assert official in names(await search(catalog_client, query))[:3], query


async def test_the_licence_synonym_puts_company_registration_first(catalog_client: Client) -> None:
    assert names(await search(catalog_client, "营业执照"))[:2] == ["企业设立登记", "个体工商户设立登记"]


async def test_district_copies_are_one_result_listing_their_districts(catalog_client: Client) -> None:
    page = await search(catalog_client, "老龄津贴发放")
    assert names(page).count("老龄津贴发放") == 1
    top = page["results"][0]
    districts = {d["code"] for d in top["districts"]}
    assert len(districts) == 10 and top["item"]["district"]["code"] in districts
    # Within a district: that district's copy, listing only that district.
    local = (await search(catalog_client, "老龄津贴发放", district="440305"))["results"][0]
    assert local["item"]["district"]["code"] == "440305"
    assert [d["code"] for d in local["districts"]] == ["440305"]
    # The total counts services: paging through it never shows one service twice.
    seen: list[str] = []
    page = await search(catalog_client, "补贴", limit=10)
    while True:
        seen += [r["item"]["code"][:12] for r in page["results"]]  # the basic code: one per service
        if not page["next_cursor"]:
            break
        page = await search(catalog_client, "补贴", limit=10, cursor=page["next_cursor"])
    assert len(seen) == len(set(seen)) == page["total"] > 10


async def test_an_answer_with_nothing_carries_suggestions(catalog_client: Client) -> None:
    page = await search(catalog_client, "xqzvkjwp")
    assert page["total"] == 0 and page["results"] == []
    assert 1 <= len(page["suggestions"]) <= 5
    assert all(s["code"] and s["name"] for s in page["suggestions"])
    found = await search(catalog_client, "老龄津贴")
    assert found["suggestions"] == []


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "身" * 101}, "q"),
        ({"q": "x" * 500}, "q"),
        ({"q": "社保\x00"}, "q"),
        ({"q": "社保\u202e"}, "q"),
        ({"q": "社保", "limit": "51"}, "limit"),
        ({"q": "社保", "cursor": "???"}, "cursor"),
        ({"q": "社保", "department": "X Y"}, "department"),
    ],
)
async def test_bad_search_input_is_400_naming_the_parameter(
    catalog_client: Client, params: dict[str, str], reason: str
) -> None:
    response = await catalog_client.get("/v1/catalog/search", params=params)
    assert response.status_code == 400, response.text
    assert reason in {e["name"] for e in response.json()["errors"]}
