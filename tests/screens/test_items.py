"""The item guide and form screens over HTTP, with the real app, real catalogue items and real tokens."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.identity.accounts import service as accounts
from ishenzhen.identity.accounts.register import SeededPopulationRegister
from ishenzhen.identity.seed import DEMO_ENTERPRISE
from ishenzhen.settings import Settings
from tests.identity.conftest import L1, L2, L3, app_tokens

Items = dict[str, ServiceItem]
Client = AsyncTestClient[Litestar]


@pytest.fixture
def settings(published_settings: Settings) -> Settings:
    """These screens are read over a database holding a few real items (``conftest.published``)."""
    return published_settings


def components(form: dict) -> list[dict]:
    out: list[dict] = []

    def visit(nodes: list[dict]) -> None:
        for node in nodes:
            out.append(node)
            visit(node.get("components", []))

    for step in form["steps"]:
        visit(step["components"])
    return out


async def test_the_guide_is_public_cacheable_and_localised(client: Client, items: Items) -> None:
    item = items["person"]
    answer = await client.get(f"/v1/app/items/{item.code}/guide")
    assert answer.status_code == 200
    guide = answer.json()
    assert (guide["code"], guide["name"], guide["locale"]) == (item.code, item.name, "zh-CN")
    assert [s["title"] for s in guide["sections"]][:3] == ["办理条件", "申请材料", "办理流程"]
    assert answer.headers["cache-control"] == "public, max-age=60"
    assert answer.headers["content-language"] == "zh-CN"
    assert "Accept-Language" in answer.headers["vary"]
    english = await client.get(
        f"/v1/app/items/{item.code}/guide", headers={"Accept-Language": "en-GB,en;q=0.9"}
    )
    assert [s["title"] for s in english.json()["sections"]][:3] == [
        "Eligibility",
        "Materials",
        "How to apply",
    ]
    assert english.headers["etag"] != answer.headers["etag"]
    again = await client.get(
        f"/v1/app/items/{item.code}/guide", headers={"If-None-Match": answer.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""


async def test_anonymous_forms_are_the_same_bytes_for_everyone_with_etags(
    client: Client, items: Items
) -> None:
    url = f"/v1/app/items/{items['person'].code}/form"
    first, second = await client.get(url), await client.get(url, headers={"User-Agent": "another phone"})
    assert first.status_code == 200 and first.content == second.content
    assert first.headers["etag"] == second.headers["etag"] and first.headers["etag"].startswith('"')
    assert first.headers["cache-control"] == "public, max-age=60"
    assert first.headers["vary"] == "Accept-Language, Ishenzhen-Render, Authorization"
    form = first.json()
    assert form["values"] == {} and form["locale"] == "zh-CN"
    assert {"applicant_name", "applicant_id_number", "contact_mobile", "promise"} <= {
        c.get("id") for c in components(form)
    }
    assert all("label_en" not in c for c in components(form))
    not_modified = await client.get(url, headers={"If-None-Match": f'W/"x", {first.headers["etag"]}'})
    assert not_modified.status_code == 304


async def test_english_forms_use_the_english_labels(client: Client, items: Items) -> None:
    answer = await client.get(
        f"/v1/app/items/{items['both_by_post'].code}/form", headers={"Accept-Language": "en"}
    )
    labels = {c.get("id"): c.get("label") for c in components(answer.json())}
    assert labels["applicant_type"] == "Applying as" and labels["delivery_address"] == "Postal address"
    assert answer.headers["content-language"] == "en"


async def test_the_app_gets_only_components_it_declared(client: Client, items: Items) -> None:
    url = f"/v1/app/items/{items['both_by_post'].code}/form"
    declared = {"text_input", "select", "upload", "agreement", "notice", "section"}
    header = {"Ishenzhen-Render": f"spec=1.0; components={','.join(sorted(declared))}"}
    answer = await client.get(url, headers=header)
    drawn = {c["type"] for c in components(answer.json())}
    assert drawn <= declared | {"web_link"} and "select" in drawn  # the radio buttons fell back to a select
    full = await client.get(url)
    assert answer.headers["etag"] != full.headers["etag"]
    web_only = await client.get(url, headers={"Ishenzhen-Render": "spec=1.0; components=text_input"})
    [link] = components(web_only.json())
    assert link["type"] == "web_link" and link["url"].startswith("https://")


async def test_a_malformed_render_header_is_400_naming_it(client: Client, items: Items) -> None:
    answer = await client.get(
        f"/v1/app/items/{items['person'].code}/form", headers={"Ishenzhen-Render": "spec=9"}
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["errors"][0]["name"] == "Ishenzhen-Render"


async def test_unknown_and_withdrawn_items_are_404(client: Client, items: Items) -> None:
    for code in ("999999999999999999", items["withdrawn"].code):
        for path in ("guide", "form"):
            answer = await client.get(f"/v1/app/items/{code}/{path}")
            assert answer.status_code == 404, (code, path)
            assert answer.headers["content-type"].startswith("application/problem+json")
        answer = await client.post(f"/v1/app/items/{code}/form/validate", json={})
        assert answer.status_code == 404


async def test_a_signed_in_citizen_gets_a_private_prefilled_form(
    client: Client, oauth_client: Callable, items: Items
) -> None:
    tokens = await app_tokens(client, oauth_client, mobile=L2)
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    url = f"/v1/app/items/{items['person'].code}/form"
    answer = await client.get(url, headers=auth)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "private, no-cache"
    assert answer.json()["values"] == {
        "applicant_name": "张伟",
        "applicant_id_number": "440303198503120017",
        "contact_mobile": L2,
    }
    anonymous = await client.get(url)
    assert answer.json()["steps"] == anonymous.json()["steps"]
    # An unverified (L1) account has no name or ID number yet: only the mobile is known.
    client.cookies.clear()  # sign out of the browser session first
    l1 = await app_tokens(client, oauth_client, mobile=L1)
    mine = await client.get(url, headers={"Authorization": f"Bearer {l1['access_token']}"})
    assert mine.json()["values"] == {"contact_mobile": L1}


async def test_prefill_follows_the_account_not_a_cached_copy(
    client: Client, oauth_client: Callable, items: Items, db_pool: asyncpg.Pool
) -> None:
    """The worker keeps verified profiles for a while: an account that becomes verified shows its name at
    once, a token without ``phone`` never gets the mobile cached for one with it, and users never mix."""
    url = f"/v1/app/items/{items['person'].code}/form"
    l1 = await app_tokens(client, oauth_client, mobile=L1)
    as_l1 = {"Authorization": f"Bearer {l1['access_token']}"}
    assert (await client.get(url, headers=as_l1)).json()["values"] == {"contact_mobile": L1}
    async with db_pool.acquire() as connection:
        account = await connection.fetchval("SELECT id FROM identity_accounts WHERE mobile = $1", L1)
        register = SeededPopulationRegister(db_pool)
        await accounts.verify_real_name(connection, register, account, "刘洋", "440307199909210047")
    values = {"applicant_name": "刘洋", "applicant_id_number": "440307199909210047", "contact_mobile": L1}
    assert (await client.get(url, headers=as_l1)).json()["values"] == values
    assert (await client.get(url, headers=as_l1)).json()["values"] == values  # now from the worker's cache
    client.cookies.clear()
    no_phone = await app_tokens(client, oauth_client, mobile=L1, scope="openid profile")
    answer = await client.get(url, headers={"Authorization": f"Bearer {no_phone['access_token']}"})
    assert answer.json()["values"] == {"applicant_name": "刘洋", "applicant_id_number": "440307199909210047"}
    client.cookies.clear()
    l2 = await app_tokens(client, oauth_client, mobile=L2)
    answer = await client.get(url, headers={"Authorization": f"Bearer {l2['access_token']}"})
    assert answer.json()["values"]["applicant_name"] == "张伟"


async def test_acting_for_an_enterprise_prefills_the_enterprise(
    client: Client, oauth_client: Callable, items: Items
) -> None:
    credit_code, name = DEMO_ENTERPRISE
    tokens = await app_tokens(
        client, oauth_client, mobile=L3, scope="openid profile phone enterprise", party=credit_code
    )
    answer = await client.get(
        f"/v1/app/items/{items['enterprise'].code}/form",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    values = answer.json()["values"]
    assert (values["enterprise_name"], values["enterprise_credit_code"], values["contact_name"]) == (
        name,
        credit_code,
        "李娜",
    )


async def test_a_bad_token_is_401_not_an_anonymous_answer(client: Client, items: Items) -> None:
    answer = await client.get(
        f"/v1/app/items/{items['person'].code}/form", headers={"Authorization": "Bearer not-a-token"}
    )
    assert answer.status_code == 401
    assert "invalid_token" in answer.headers["www-authenticate"]


async def test_validate_accepts_a_complete_form(client: Client, items: Items) -> None:
    data = {
        "applicant_name": "张伟",
        "applicant_id_number": "440303198503120017",
        "contact_mobile": "13800000002",
        "promise": True,
    }
    item = items["person"]
    uploads = [
        c["id"]
        for c in components((await client.get(f"/v1/app/items/{item.code}/form")).json())
        if c["type"] == "upload" and c.get("required")
    ]
    data |= {upload: ["upl_ABCDEFGH1234"] for upload in uploads}
    answer = await client.post(f"/v1/app/items/{item.code}/form/validate", json=data)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"valid": True}


async def test_validate_reports_every_field_error_with_a_pointer(client: Client, items: Items) -> None:
    code = items["both_by_post"].code
    data = {
        "applicant_type": "enterprise",
        "enterprise_credit_code": "91440300MA5FDEMQ0",
        "contact_mobile": "123",
        "delivery": "post",
        "delivery_address": {"district": "110101", "detail": "x"},
        "promise": False,
        "mystery": 1,
    }
    answer = await client.post(f"/v1/app/items/{code}/form/validate", json=data)
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["type"] == "urn:ishenzhen:problem:invalid-input"
    errors = {e["name"]: e["reason"] for e in problem["errors"]}
    assert all(e["location"] == "body" for e in problem["errors"])
    assert {
        "/enterprise_name",
        "/enterprise_credit_code",
        "/contact_name",
        "/contact_mobile",
        "/delivery_address/district",
        "/promise",
        "/mystery",
    } <= set(errors)
    assert "/applicant_name" not in errors  # hidden for an enterprise


async def test_validate_refuses_a_body_that_is_not_an_object(client: Client, items: Items) -> None:
    answer = await client.post(f"/v1/app/items/{items['person'].code}/form/validate", json=[1, 2])
    assert answer.status_code in (400, 422)
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_an_app_that_cannot_draw_the_form_is_sent_to_the_configured_portal(
    client: Client, items: Items
) -> None:
    item = items["person"]
    answer = await client.get(
        f"/v1/app/items/{item.code}/form", headers={"Ishenzhen-Render": "spec=1.0; components=web_link"}
    )
    assert answer.status_code == 200, answer.text
    [step] = answer.json()["steps"]
    [link] = step["components"]
    assert link["type"] == "web_link"
    assert link["url"] == f"https://www.gdzwfw.gov.cn/portal/guide/{item.implementation_code}"


async def test_an_app_reading_spec_1_0_gets_a_form_labelled_1_0(catalog_client: Client) -> None:
    from ishenzhen.ui.model import SPEC_VERSION

    code = "010300001000440300"  # 企业设立登记: its hand-written spec uses a 1.1 component (repeat)
    newest = await catalog_client.get(
        f"/v1/app/items/{code}/form", headers={"Ishenzhen-Render": f"spec={SPEC_VERSION}"}
    )
    older = await catalog_client.get(f"/v1/app/items/{code}/form", headers={"Ishenzhen-Render": "spec=1.0"})
    assert newest.status_code == older.status_code == 200
    assert newest.json()["spec_version"] == SPEC_VERSION != "1.0"
    assert older.json()["spec_version"] == "1.0"
    assert any(c["type"] == "repeat" for step in newest.json()["steps"] for c in step["components"])
    assert all(c["type"] != "repeat" for step in older.json()["steps"] for c in step["components"])
    # Without the header an app is taken to read 1.0, the version every app since launch knows.
    assert (await catalog_client.get(f"/v1/app/items/{code}/form")).json() == older.json()
