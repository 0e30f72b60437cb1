"""GET /v1/app/home over HTTP: what the home screen shows, in which language, and how it caches."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
import msgspec
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.importer import import_catalog
from ishenzhen.catalog.model import Catalog
from ishenzhen.screens.home.schemas import HomeScreen
from ishenzhen.screens.home.text import negotiate_locale
from tests.catalog.factories import item
from tests.catalog.test_importer import small_catalog
from tests.identity.conftest import app_tokens

HOME = "/v1/app/home"
NANSHAN = "440305"
EN = {"Accept-Language": "en-US,en;q=0.9"}


def sections(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {section["type"]: section for section in body["sections"]}


def view(catalog: Catalog, district: str | None) -> list[Any]:
    """The catalogue's items in a district view, most popular first: what hot services are drawn from."""
    chosen = [i for i in catalog.items if district is None or i.district in (None, district)]
    return sorted(chosen, key=lambda i: (-i.popularity, i.code))


def expected_hot(catalog: Catalog, district: str | None, limit: int = 8) -> list[str]:
    codes, names = [], set()
    for candidate in view(catalog, district):
        if candidate.name not in names:
            names.add(candidate.name)
            codes.append(candidate.code)
    return codes[:limit]


async def test_the_layout_comes_in_render_order_and_decodes_as_the_published_model(
    catalog_client: AsyncTestClient,
) -> None:
    response = await catalog_client.get(HOME)
    assert response.status_code == 200
    screen = msgspec.json.decode(response.content, type=HomeScreen)
    assert [type(s).__struct_config__.tag for s in screen.sections] == [
        "search_bar",
        "banners",
        "hot_services",
        "audience_tabs",
        "life_events",
        "district_switcher",
    ]
    assert screen.locale == "zh-CN" and screen.district is None and screen.catalog_revision >= 1
    body = sections(response.json())
    assert "my_applications" not in body
    assert len(body["search_bar"]["suggestions"]) == 5
    assert {b["id"] for b in body["banners"]["banners"]} == {
        "instant-approval",
        "life-event-birth",
        "enterprise-start-up",
        "featured-instant-item",
    }
    assert {b["action"]["type"] for b in body["banners"]["banners"]} == {"item_list", "theme", "item"}
    options = body["district_switcher"]["options"]
    assert len(options) == 11 and options[0]["code"] is None and options[0]["selected"]
    assert [o["code"] for o in options[1:]] == sorted(o["code"] for o in options[1:])


async def test_hot_services_are_the_most_popular_items_one_per_name(
    catalog_client: AsyncTestClient, real_catalog: Catalog
) -> None:
    hot = sections((await catalog_client.get(HOME)).json())["hot_services"]
    popularity = {i.code: i.popularity for i in real_catalog.items}
    codes = [link["code"] for link in hot["items"]]
    assert codes == expected_hot(real_catalog, None)
    assert [popularity[c] for c in codes] == sorted((popularity[c] for c in codes), reverse=True)
    assert len({link["name"] for link in hot["items"]}) == len(codes)
    first = hot["items"][0]
    assert first["action"] == {
        "type": "item",
        "code": first["code"],
        "href": f"/v1/app/items/{first['code']}/guide",
    }


async def test_a_district_changes_hot_services_to_its_own_and_city_level_items(
    catalog_client: AsyncTestClient, real_catalog: Catalog
) -> None:
    city = sections((await catalog_client.get(HOME)).json())
    nanshan_body = (await catalog_client.get(HOME, params={"district": NANSHAN})).json()
    nanshan = sections(nanshan_body)
    assert nanshan_body["district"] == NANSHAN
    codes = [link["code"] for link in nanshan["hot_services"]["items"]]
    assert codes == expected_hot(real_catalog, NANSHAN)
    assert codes != [link["code"] for link in city["hot_services"]["items"]]
    district_of = {i.code: i.district for i in real_catalog.items}
    assert {district_of[c] for c in codes} <= {NANSHAN, None}
    assert {link["district"] for link in nanshan["hot_services"]["items"]} <= {"南山区", None}
    selected = [o["code"] for o in nanshan["district_switcher"]["options"] if o["selected"]]
    assert selected == [NANSHAN]


async def test_every_count_equals_the_total_of_the_list_its_tap_opens(
    catalog_client: AsyncTestClient,
) -> None:
    themes = {t["code"]: t["item_count"] for t in (await catalog_client.get("/v1/catalog/themes")).json()}
    city = sections((await catalog_client.get(HOME)).json())
    tabs = city["audience_tabs"]["tabs"]
    assert [t["audience"] for t in tabs] == ["natural_person", "legal_person"]
    for tab in tabs:
        assert tab["themes"] and all(link["item_count"] == themes[link["code"]] for link in tab["themes"])
        counts = [link["item_count"] for link in tab["themes"]]
        assert counts == sorted(counts, reverse=True)
    assert all(link["item_count"] == themes[link["code"]] for link in city["life_events"]["themes"])

    nanshan = sections((await catalog_client.get(HOME, params={"district": NANSHAN})).json())
    links = [
        *nanshan["life_events"]["themes"],
        *(t for tab in nanshan["audience_tabs"]["tabs"] for t in tab["themes"]),
    ]
    for link in links:
        assert link["action"]["href"].endswith(f"district={NANSHAN}")
        listed = (await catalog_client.get(link["action"]["href"])).json()
        assert listed["total"] == link["item_count"], link["code"]
    instant = next(b for b in nanshan["banners"]["banners"] if b["id"] == "instant-approval")
    page = (await catalog_client.get(instant["action"]["href"] + "&limit=100")).json()
    assert page["items"] and all(i["instant_approval"] for i in page["items"])
    assert str(page["total"]) in instant["subtitle"]


async def test_tabs_hold_each_audiences_most_popular_items(
    catalog_client: AsyncTestClient, real_catalog: Catalog
) -> None:
    tabs = sections((await catalog_client.get(HOME)).json())["audience_tabs"]["tabs"]
    audience_of = {i.code: i.audience for i in real_catalog.items}
    for tab in tabs:
        assert tab["items"]
        assert {audience_of[link["code"]] for link in tab["items"]} <= {tab["audience"], "both"}
        assert tab["more"]["filters"] == {"audience": tab["audience"]}


async def test_english_titles_with_chinese_item_names(catalog_client: AsyncTestClient) -> None:
    zh = await catalog_client.get(HOME)
    en = await catalog_client.get(HOME, headers=EN)
    assert en.headers["content-language"] == "en" and zh.headers["content-language"] == "zh-CN"
    for response in (zh, en):
        assert {"accept-language", "authorization"} <= {
            v.strip().lower() for v in response.headers["vary"].split(",")
        }
    assert en.headers["etag"] != zh.headers["etag"]
    zh_body, en_body = sections(zh.json()), sections(en.json())
    assert (
        en_body["hot_services"]["title"] == "Popular services"
        and zh_body["hot_services"]["title"] == "热门服务"
    )
    assert [t["title"] for t in en_body["audience_tabs"]["tabs"]] == [
        "Personal services",
        "Business services",
    ]
    assert en_body["life_events"]["themes"][0]["title"] == "Birth"
    assert zh_body["life_events"]["themes"][0]["title"] == "出生"
    assert en_body["district_switcher"]["options"][3]["title"] == "Nanshan District"
    # Data stays as the catalogue has it.
    assert en_body["hot_services"]["items"] == [
        {**link, "district": en_link["district"]}
        for link, en_link in zip(
            zh_body["hot_services"]["items"], en_body["hot_services"]["items"], strict=True
        )
    ]
    # Neither language acceptable: the default, Chinese.
    fr = await catalog_client.get(HOME, headers={"Accept-Language": "fr-FR, de;q=0.5"})
    assert fr.content == zh.content


@given(st.text(max_size=80))
def test_any_accept_language_header_negotiates_a_locale(header: str) -> None:
    assert negotiate_locale(header) in ("zh-CN", "en")


def test_quality_values_decide_the_locale() -> None:
    assert negotiate_locale("zh-CN;q=0.4, en;q=0.8") == "en"
    assert negotiate_locale("en;q=0, zh-TW") == "zh-CN"
    assert negotiate_locale("en-GB,zh;q=0.9") == "en"
    assert negotiate_locale("en;q=bogus") == "zh-CN"


async def test_anonymous_callers_get_identical_bytes_and_304_on_their_etag(
    catalog_client: AsyncTestClient,
) -> None:
    # Three requests: the shared cache answers a key from its second sighting on, the handler before that.
    answers = [
        await catalog_client.get(HOME, params={"district": NANSHAN}, headers={**EN, "User-Agent": f"app/{n}"})
        for n in range(3)
    ]
    with_cookie = await catalog_client.get(
        HOME, params={"district": NANSHAN}, headers={**EN, "Cookie": "a=b"}
    )
    for response in [*answers, with_cookie]:
        assert response.status_code == 200
        assert response.content == answers[0].content
        assert response.headers["etag"] == answers[0].headers["etag"]
        assert response.headers["cache-control"] == "public, max-age=60"
    etag = answers[0].headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    for _ in range(2):
        again = await catalog_client.get(
            HOME, params={"district": NANSHAN}, headers={**EN, "If-None-Match": etag}
        )
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = await catalog_client.get(HOME, headers={"If-None-Match": etag})
    assert other.status_code == 200


async def test_bad_districts_are_problems_naming_the_parameter(catalog_client: AsyncTestClient) -> None:
    for value in ("福田", "4403051", "999999", ""):
        response = await catalog_client.get(HOME, params={"district": value})
        assert response.status_code == 400, value
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [(e["location"], e["name"]) for e in response.json()["errors"]] == [("query", "district")]


async def wait_for_revision(
    client: AsyncTestClient, revision: int, deadline_s: float = 5.0
) -> dict[str, Any]:
    started = time.monotonic()
    while time.monotonic() - started < deadline_s:
        body = (await client.get(HOME)).json()
        if body["catalog_revision"] == revision:
            return body  # type: ignore[no-any-return]
        await asyncio.sleep(0.02)  # polling an observable with a deadline
    raise AssertionError(f"the home screen did not reach revision {revision} within {deadline_s} s")


async def import_items(url: str, *items: Any) -> None:
    connection = await asyncpg.connect(url)
    try:
        await import_catalog(connection, small_catalog(*items))
    finally:
        await connection.close()


async def test_a_new_catalogue_revision_rebuilds_the_screen(
    client: AsyncTestClient, database_url: str
) -> None:
    await import_items(
        database_url, item("A01", "居民身份证换领", popularity=5), item("A02", "户口迁入", popularity=9)
    )
    first = await wait_for_revision(client, 1)
    assert [link["name"] for link in sections(first)["hot_services"]["items"]] == [
        "户口迁入",
        "居民身份证换领",
    ]
    await import_items(
        database_url, item("A01", "居民身份证换领", popularity=50), item("A02", "户口迁入", popularity=9)
    )
    second = await wait_for_revision(client, 2)
    assert [link["name"] for link in sections(second)["hot_services"]["items"]] == [
        "居民身份证换领",
        "户口迁入",
    ]


async def test_a_signed_in_caller_also_gets_my_applications_privately(
    client: AsyncTestClient, database_url: str, oauth_client: Any
) -> None:
    await import_items(database_url, item("A01", "居民身份证换领"))
    await wait_for_revision(client, 1)
    token = await app_tokens(client, oauth_client)
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    anonymous = await client.get(HOME)
    signed_in = await client.get(HOME, headers=bearer)
    assert signed_in.status_code == 200
    assert signed_in.headers["cache-control"] == "private, no-cache"
    assert "authorization" in signed_in.headers["vary"].lower()
    body = signed_in.json()
    mine = sections(body)["my_applications"]
    assert mine["title"] == "我的办件" and mine["action"] == {"type": "my_applications"}
    # The same layout otherwise.
    assert [s for s in body["sections"] if s["type"] != "my_applications"] == anonymous.json()["sections"]
    english = await client.get(HOME, headers={**bearer, **EN})
    assert sections(english.json())["my_applications"]["title"] == "My applications"
    etag = signed_in.headers["etag"]
    assert etag != anonymous.headers["etag"]
    assert (await client.get(HOME, headers={**bearer, "If-None-Match": etag})).status_code == 304


async def test_an_invalid_token_is_401_not_an_anonymous_screen(client: AsyncTestClient) -> None:
    for authorization in ("Bearer not-a-token", "Basic dXNlcjpwYXNz"):
        response = await client.get(HOME, headers={"Authorization": authorization})
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["www-authenticate"].startswith("Bearer")
