# ruff: noqa: F811 - the sharing fixtures are imported by name and requested by name
"""Instant approval (秒批) as a citizen goes through it, over the HTTP API, for two named items.

应届毕业生接收 (a citizen) and 企业设立登记 (an enterprise's legal representative acting for it): sign in, open
the form, submit, wait until the decision shows on the application, then look where the citizen would: the
explanations, the issued result in the wallet and at its verification link, and the data-access log. The data
platform is the real simulator in process, seeded as in the sharing tests; people are found in its seed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from litestar import Litestar

from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.handling.instant import InstantDecider
from ishenzhen.sharing import PlatformClient
from ishenzhen_simulators.data_platform.registers import City
from tests.handling.conftest import CREDIT_CODE, Client, Headers, app_tokens, oauth_client  # noqa: F401
from tests.handling.helpers import submit_and_wait, upload
from tests.identity.conftest import ISSUER, L2, L3
from tests.notifications.test_stream import Stream, second_instance  # noqa: F401 - a fixture
from tests.sharing.conftest import city, find_person, knobs, platform  # noqa: F401 - fixtures

GRADUATE_INTAKE = "070120001000440300"
COMPANY_REGISTRATION = "010300001000440300"
# Everything the journeys touch: the form with the wallet's licences, submitting, the results wallet.
SCOPE = "openid profile phone licences applications:submit"
ZHANG_WEI = (
    "440303198503120017"  # the demo account L2 as seeded: past the graduate years, a Shenzhen household
)


@pytest.fixture(scope="session")
def items(full_catalogue: Catalog) -> dict[str, ServiceItem]:
    """The two named items (the conftest's ``published`` imports whatever this names)."""
    by_code = {item.code: item for item in full_catalogue.items}
    return {"graduate": by_code[GRADUATE_INTAKE], "company": by_code[COMPANY_REGISTRATION]}


@pytest.fixture
async def decider(client: Client, platform: PlatformClient, city: City) -> AsyncIterator[InstantDecider]:
    """The app talks to the in-process platform: for the wallet, the e-licence check and the decision."""
    client.app.state.platform = platform
    instant: InstantDecider = client.app.state.instant
    instant.platform = platform
    instant.today = lambda: city.today
    yield instant


async def _sign_in(client: Client, oauth_client: Any, mobile: str, party: str | None = None) -> Headers:
    client.cookies.clear()  # a fresh browser for each sign-in
    scope = SCOPE + (" enterprise" if party else "")
    tokens = await app_tokens(client, oauth_client, mobile=mobile, scope=scope, party=party)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def _become(db_pool: asyncpg.Pool, mobile: str, city: City, id_number: str) -> None:
    """The demo account is verified as this seeded person (the register's name with the register's number)."""
    person = city.person(id_number)
    assert person is not None
    await db_pool.execute(
        "UPDATE identity_accounts SET resident_id = $1, name = $2 WHERE mobile = $3",
        id_number,
        person["name"],
        mobile,
    )


def _fresh_graduate(city: City) -> str:
    """A seeded person the intake rules accept: alive, 35 or younger, not yet registered in Shenzhen, with a
    valid diploma from the last two years and a valid bachelor's (or higher) degree, not on the credit blacklist."""
    two_years_ago = city.today.replace(year=city.today.year - 2).isoformat()

    def eligible(person: dict[str, Any], licences: list[dict[str, Any]]) -> bool:
        held = {licence["type"]: licence for licence in licences}
        diploma, degree = held.get("diploma"), held.get("degree_certificate")
        credit = city.credit(person["id_number"]) or {}
        return (
            person["status"] == "alive"
            and not person["shenzhen_household"]
            and person["birth_date"] > city.today.replace(year=city.today.year - 35).isoformat()
            and diploma is not None
            and diploma["status"] == "valid"
            and diploma["issued_on"] > two_years_ago
            and degree is not None
            and degree["status"] == "valid"
            and degree["level"] in ("bachelor", "master", "doctor")
            and not credit.get("dishonest")
        )

    return find_person(city, eligible, limit=120_000)


def _age(city: City, id_number: str) -> int:
    """Whole years on the simulator's today, as the register's birth date gives them."""
    person = city.person(id_number)
    assert person is not None
    born, today = dt.date.fromisoformat(person["birth_date"]), city.today
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


async def _form(client: Client, auth: Headers, code: str) -> dict[str, Any]:
    answer = await client.get(f"/v1/app/items/{code}/form", headers=auth)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _graduate_answers(values: dict[str, Any]) -> dict[str, Any]:
    """The intake form as a graduate fills it in on top of what the app prefilled (name, ID, licences)."""
    return {
        **values,
        "school": "深圳大学",
        "education": "bachelor",
        "degree": "bachelor",
        "major": "计算机科学与技术",
        "graduation_date": "2026-06-30",
        "reception": "talent_centre",
        "hukou_type": "talent_collective",
        "settle_address": {"district": "440305", "detail": "南山区人才服务中心集体户"},
        "current_hukou": "湖南省长沙市岳麓区",
        "accompanying": "no",
        "commitment": True,
    }


async def _licences(client: Client, auth: Headers) -> dict[str, dict[str, Any]]:
    answer = await client.get("/v1/me/licences", headers=auth)
    assert answer.status_code == 200, answer.text
    return {licence["reference"]: licence for licence in answer.json()["licences"]}


async def _pulls(client: Client, auth: Headers, application_id: str) -> list[dict[str, Any]]:
    answer = await client.get("/v1/me/data-access", headers=auth)
    assert answer.status_code == 200, answer.text
    return [e for e in answer.json()["entries"] if e.get("application_id") == application_id]


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


async def test_a_fresh_graduate_is_approved_at_once_and_holds_a_verifiable_intake_notice(
    client: Client,
    oauth_client: Any,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    decider: InstantDecider,
    city: City,
) -> None:
    graduate = _fresh_graduate(city)
    await _become(db_pool, L2, city, graduate)
    auth = await _sign_in(client, oauth_client, L2)
    form = await _form(client, auth, GRADUATE_INTAKE)
    # The wallet's diploma and degree stand in for the uploads (免提交).
    assert set(form["stood_in"]) == {"diploma", "degree_certificate"}
    body = {
        "item_code": GRADUATE_INTAKE,
        "item_version": items["graduate"].version,
        "form": _graduate_answers(form["values"]),
    }
    detail = await submit_and_wait(client, auth, body)

    assert detail["status"] == "approved", detail["decision"]
    decision = detail["decision"]
    assert decision["outcome"] == "approved" and decision["reasons"] == []
    # Each check is a sentence that names the data it used: the age, the years since graduating, the degree.
    explanations = decision["explanations"]
    assert len(explanations) == 8 and all(_has_chinese(text) for text in explanations), explanations
    age = _age(city, graduate)
    assert f"年龄 {age} 岁，未超过 35 岁" in explanations
    assert any(text.startswith("毕业 ") and "择业期内" in text for text in explanations)
    assert "尚未落户深圳" in explanations and "未列入失信被执行人名单" in explanations
    english = await client.get(f"/v1/applications/{detail['id']}", headers={**auth, "Accept-Language": "en"})
    assert f"Age {age}, not over 35" in english.json()["decision"]["explanations"]

    # The signed notice is in the wallet and verifiable by anyone at the link printed on it.
    results = await client.get("/v1/me/results", headers=auth)
    assert results.status_code == 200, results.text
    (held,) = [r for r in results.json()["results"] if r["id"] == decision["result_id"]]
    assert held["status"] == "valid" and held["verification_url"] == decision["verification_url"]
    assert decision["verification_url"].startswith(ISSUER)
    verified = await client.get(decision["verification_url"].removeprefix(ISSUER))
    assert verified.status_code == 200, verified.text
    assert (verified.json()["status"], verified.json()["item_code"]) == ("valid", GRADUATE_INTAKE)

    # The citizen's data-access log shows the pulls made for this application, and for what.
    pulls = await _pulls(client, auth, detail["id"])
    assert {p["source"] for p in pulls} == {"population", "e_licence", "credit"}
    assert all((p["purpose"], p["outcome"]) == ("instant_approval", "ok") for p in pulls), pulls
    assert all(p["item_code"] == GRADUATE_INTAKE for p in pulls)


async def test_a_demo_citizen_past_the_graduate_years_is_rejected_with_each_reason_and_a_clerk(
    client: Client,
    oauth_client: Any,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    decider: InstantDecider,
    city: City,
) -> None:
    # 张伟 as seeded: 41, a Shenzhen household for years, his diploma from long ago.
    auth = await _sign_in(client, oauth_client, L2)
    form = await _form(client, auth, GRADUATE_INTAKE)
    body = {
        "item_code": GRADUATE_INTAKE,
        "item_version": items["graduate"].version,
        "form": _graduate_answers(form["values"]),
    }
    detail = await submit_and_wait(client, auth, body)

    assert detail["status"] == "rejected"
    decision = detail["decision"]
    assert decision["outcome"] == "rejected" and decision["result_id"] is None
    reasons = decision["reasons"]
    assert any("超过 35 岁的年龄上限" in reason for reason in reasons), reasons
    assert any("已是深圳户籍" in reason for reason in reasons), reasons
    assert any("择业期" in reason for reason in reasons), reasons
    assert "人才引进窗口" in decision["clerk"]
    message = detail["timeline"][-1]["message"]
    assert message.startswith("未通过自动审批：") and "人才引进窗口" in message
    # Nothing was issued: the wallet holds no result for this application.
    results = (await client.get("/v1/me/results", headers=auth)).json()["results"]
    assert [r for r in results if r["application_id"] == detail["id"]] == []
    assert {p["source"] for p in await _pulls(client, auth, detail["id"])} == {
        "population",
        "e_licence",
        "credit",
    }


async def test_a_valid_diploma_in_the_wallet_stands_in_for_its_upload_and_the_application_names_it(
    client: Client,
    oauth_client: Any,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    decider: InstantDecider,
    city: City,
) -> None:
    graduate = _fresh_graduate(city)
    await _become(db_pool, L2, city, graduate)
    auth = await _sign_in(client, oauth_client, L2)
    form = await _form(client, auth, GRADUATE_INTAKE)
    answers = _graduate_answers(form["values"])
    # The diploma comes from the wallet; the degree certificate is uploaded as a scan instead.
    reference = form["stood_in"]["diploma"]["reference"]
    assert answers["diploma"] == reference
    scan = await upload(client, auth, name="学位证书.png")
    answers["degree_certificate"] = [scan]
    body = {"item_code": GRADUATE_INTAKE, "item_version": items["graduate"].version, "form": answers}
    detail = await submit_and_wait(client, auth, body)

    assert detail["status"] == "approved", detail["decision"]
    # Only the degree scan is attached; the diploma is the licence the wallet reference names.
    assert [m["id"] for m in detail["materials"]] == [scan]
    assert detail["form"]["diploma"] == reference
    licence = (await _licences(client, auth))[reference]
    assert (licence["type"], licence["status"]) == ("diploma", "valid")
    assert licence["number"] == form["stood_in"]["diploma"]["number"]
    # The register was asked at submission whether the licence still stands: that pull is logged too.
    log = (await client.get("/v1/me/data-access", headers=auth)).json()["entries"]
    assert any(
        (e["source"], e["purpose"], e.get("citizen_action"), e.get("item_code"))
        == ("e_licence", "application_review", "submit", GRADUATE_INTAKE)
        for e in log
    ), log


async def test_an_enterprise_registers_a_company_and_is_approved_at_once(
    client: Client,
    oauth_client: Any,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    decider: InstantDecider,
    city: City,
) -> None:
    # 李娜 is the legal representative of the demo enterprise and applies for it (the item's audience).
    signed_in = await _sign_in(client, oauth_client, L3, party=CREDIT_CODE)
    # An app that draws repeats (the shareholders) says so; the form and the submission then agree on spec 1.1.
    auth = {**signed_in, "Ishenzhen-Render": "spec=1.1"}
    form = await _form(client, auth, COMPANY_REGISTRATION)
    proposed = "深圳市鹏城秒批科技有限公司"
    assert city.name_available(proposed)
    answers = {
        **form["values"],
        "enterprise_name": proposed,
        "enterprise_type": "llc_natural_person",
        "registered_capital": 100,
        "business_scope": "软件开发；信息技术咨询服务",
        "domicile": {"district": "440305", "detail": "粤海街道科技园科苑路 8 号"},
        "domicile_proof": [await upload(client, auth, name="租赁合同.png")],
        "representative_name": "李娜",
        "representative_id_number": "440305199207060029",
        "representative_mobile": L3,
        "representative_role": "manager",
        "representative_proof": [await upload(client, auth, name="股东决定.png")],
        "shareholders": [
            {
                "name": "李娜",
                "id_type": "resident_id",
                "id_number": "440305199207060029",
                "subscribed": 100,
                "method": "currency",
                "deadline": (city.today + dt.timedelta(days=365 * 4)).isoformat(),
            }
        ],
        "articles": [await upload(client, auth, content=_pdf(), name="公司章程.pdf")],
        "commitment": True,
    }
    body = {
        "item_code": COMPANY_REGISTRATION,
        "item_version": items["company"].version,
        "acting_party": {"kind": "enterprise", "credit_code": CREDIT_CODE},
        "form": answers,
    }
    detail = await submit_and_wait(client, auth, body)

    assert detail["status"] == "approved", detail["decision"]
    assert detail["acting_party"] == {"kind": "enterprise", "credit_code": CREDIT_CODE}
    explanations = detail["decision"]["explanations"]
    assert "拟用名称可以使用" in explanations and "认缴注册资本 100 万元" in explanations, explanations
    assert any(text.startswith("年龄 ") and "满 18 周岁" in text for text in explanations)
    url = detail["decision"]["verification_url"]
    verified = (await client.get(url.removeprefix(ISSUER))).json()
    assert (verified["status"], verified["item_code"]) == ("valid", COMPANY_REGISTRATION)
    # The enterprise's log shows its credit pull for this application; the person's log the rest.
    enterprise_pulls = await _pulls(client, auth, detail["id"])
    assert [(p["source"], p["purpose"]) for p in enterprise_pulls] == [("credit", "instant_approval")]
    personal = await _sign_in(client, oauth_client, L3)
    assert {p["source"] for p in await _pulls(client, personal, detail["id"])} == {
        "population",
        "legal_person",
        "credit",
    }


def _pdf() -> bytes:
    """A one-page PDF (the articles slot takes PDF only)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 255, 255)).save(out, format="PDF")
    return out.getvalue()


async def _announcement(client: Client, auth: Headers, application_id: str, status: str) -> dict[str, Any]:
    answer = await client.get("/v1/me/messages", headers=auth)
    assert answer.status_code == 200, answer.text
    (message,) = [
        m for m in answer.json()["items"] if m["application_id"] == application_id and m["status"] == status
    ]
    return dict(message)


async def test_the_inbox_announces_the_decision_in_the_readers_language(
    client: Client,
    oauth_client: Any,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    decider: InstantDecider,
    city: City,
) -> None:
    auth = await _sign_in(client, oauth_client, L2)  # 张伟, whom the intake rules turn down
    form = await _form(client, auth, GRADUATE_INTAKE)
    body = {
        "item_code": GRADUATE_INTAKE,
        "item_version": items["graduate"].version,
        "form": _graduate_answers(form["values"]),
    }
    detail = await submit_and_wait(client, auth, body)
    number = detail["number"]

    chinese = await _announcement(client, auth, detail["id"], "rejected")
    assert (chinese["language"], chinese["title"]) == ("zh-CN", "应届毕业生接收：不予批准")
    assert chinese["body"].startswith(f"办件编号 {number}。未通过自动审批：")
    assert "超过 35 岁的年龄上限" in chinese["body"] and "人才引进窗口" in chinese["body"]

    english_auth = {**auth, "Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}
    english = await _announcement(client, english_auth, detail["id"], "rejected")
    assert (english["id"], english["language"]) == (chinese["id"], "en")
    assert english["title"] == "应届毕业生接收: not approved"  # the item's name is its official Chinese name
    assert english["body"].startswith(f"Application number {number}. Not approved automatically: ")
    assert f"Age {_age(city, ZHANG_WEI)}, over the limit of 35" in english["body"]
    assert "talent intake window" in english["body"]
    assert not _has_chinese(english["body"]), english["body"]
    # A message nobody wrote in English reads in Chinese, and says so.
    submitted = await _announcement(client, english_auth, detail["id"], "submitted")
    assert submitted["language"] == "zh-CN" and submitted["title"].endswith("：已提交")


async def test_the_live_stream_announces_an_approval_in_each_streams_language(
    client: Client,
    oauth_client: Any,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    decider: InstantDecider,
    city: City,
    platform: PlatformClient,
    second_instance: Litestar,
) -> None:
    # Either instance may decide (the other's sweep could claim the decision first): both ask the same platform.
    second_instance.state.platform = platform
    second_instance.state.instant.platform = platform
    second_instance.state.instant.today = lambda: city.today
    graduate = _fresh_graduate(city)
    await _become(db_pool, L2, city, graduate)
    auth = await _sign_in(client, oauth_client, L2)
    # The same account on two devices: a phone set to English and a tablet set to Chinese.
    english = Stream(second_instance, auth, accept_language="en")
    chinese = Stream(second_instance, auth)
    try:
        for stream in (english, chinese):
            assert await stream.status == 200
            assert (await stream.next_block())["comment"] == "stream open"
        form = await _form(client, auth, GRADUATE_INTAKE)
        body = {
            "item_code": GRADUATE_INTAKE,
            "item_version": items["graduate"].version,
            "form": _graduate_answers(form["values"]),
        }
        detail = await submit_and_wait(client, auth, body)
        assert detail["status"] == "approved", detail["decision"]

        async def decision_message(stream: Stream) -> dict[str, Any]:
            while True:
                message = json.loads((await stream.next_message(within=10.0))["data"])
                if message["status"] == "approved":
                    return dict(message)

        in_english = await decision_message(english)
        in_chinese = await decision_message(chinese)
        assert in_english["id"] == in_chinese["id"]
        assert (in_english["language"], in_english["title"]) == ("en", "应届毕业生接收: approved")
        assert in_english["body"].startswith("Application number ")
        assert "Approved at once: every condition was verified." in in_english["body"]
        assert in_english["body"].endswith(f"Verify the result: {detail['decision']['verification_url']}")
        assert (in_chinese["language"], in_chinese["title"]) == ("zh-CN", "应届毕业生接收：已批准")
        assert "秒批通过" in in_chinese["body"]
        assert in_chinese["body"].endswith(f"电子结果核验：{detail['decision']['verification_url']}")
    finally:
        await english.close()
        await chinese.close()
