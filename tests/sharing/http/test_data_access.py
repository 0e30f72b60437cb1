"""``GET /v1/me/data-access``: a citizen sees every pull of their data, and only theirs, newest first."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.seed import DEMO_CITIZENS, DEMO_ENTERPRISE
from ishenzhen.sharing import AccessBasis, Pull, record_pulls
from tests.identity.conftest import L2, L3, app_tokens

OAuthFactory = Callable[..., Any]
LI_NA = DEMO_CITIZENS[L3][1]  # type: ignore[index]
ZHANG_WEI = DEMO_CITIZENS[L2][1]  # type: ignore[index]
ENTERPRISE = DEMO_ENTERPRISE[0]


async def _log(database_url: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        application = AccessBasis(
            requester="gateway:instant_approval",
            purpose="instant_approval",
            application_id=uuid.uuid4(),
            item_code="070120001000440300",
        )
        await record_pulls(
            connection,
            application,
            [
                Pull(LI_NA, "person", "population", ("birth_date", "status"), "ok"),
                Pull(ZHANG_WEI, "person", "population", ("status",), "ok"),
                Pull(ENTERPRISE, "enterprise", "legal_person", ("status",), "ok"),
            ],
        )
        wallet = AccessBasis(
            requester="gateway:wallet", purpose="citizen_view", citizen_action="view_licences"
        )
        await record_pulls(
            connection, wallet, [Pull(LI_NA, "person", "e_licence", ("diploma.status",), "unavailable")]
        )
    finally:
        await connection.close()


async def test_own_entries_only_newest_first_in_either_language(
    client: AsyncTestClient[Litestar],
    oauth_client: OAuthFactory,
    database_url: str,
) -> None:
    token = await app_tokens(client, oauth_client, mobile=L3)
    await _log(database_url)
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    page = (await client.get("/v1/me/data-access", headers=headers)).json()
    assert page["subject_kind"] == "person"
    assert [(e["source"], e["outcome"]) for e in page["entries"]] == [
        ("e_licence", "unavailable"),
        ("population", "ok"),
    ]
    newest, oldest = page["entries"]
    assert newest["purpose_name"] == "本人查询" and newest["source_name"] == "电子证照库"
    assert oldest["field_names"] == ["出生日期", "人口状态"] and oldest["application_id"]
    assert "1992" not in str(page)  # field names, never values
    english = (await client.get("/v1/me/data-access", headers={**headers, "Accept-Language": "en"})).json()
    assert english["entries"][0]["source_name"] == "e-licence register"
    assert english["entries"][1]["field_names"] == ["date of birth", "status"]
    paged = (await client.get("/v1/me/data-access", headers=headers, params={"page_size": 1})).json()
    assert len(paged["entries"]) == 1 and paged["next_before"] == newest["id"]
    rest = (
        await client.get("/v1/me/data-access", headers=headers, params={"before": paged["next_before"]})
    ).json()
    assert [e["id"] for e in rest["entries"]] == [oldest["id"]] and "next_before" not in rest


async def test_acting_for_an_enterprise_shows_the_enterprise_log(
    client: AsyncTestClient[Litestar],
    oauth_client: OAuthFactory,
    database_url: str,
) -> None:
    token = await app_tokens(
        client, oauth_client, mobile=L2, scope="openid profile enterprise", party=ENTERPRISE
    )
    await _log(database_url)
    page = (
        await client.get("/v1/me/data-access", headers={"Authorization": f"Bearer {token['access_token']}"})
    ).json()
    assert page["subject_kind"] == "enterprise"
    assert [(e["source"], e["fields"]) for e in page["entries"]] == [("legal_person", ["status"])]


async def test_anonymous_and_bad_input(client: AsyncTestClient[Litestar], oauth_client: OAuthFactory) -> None:
    assert (await client.get("/v1/me/data-access")).status_code == 401
    token = await app_tokens(client, oauth_client, mobile=L3)
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    bad = await client.get("/v1/me/data-access", headers=headers, params={"page_size": 0})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    assert "page_size" in bad.text


async def test_the_app_starts_with_every_rule_set_and_a_platform_client(
    client: AsyncTestClient[Litestar],
) -> None:
    state = client.app.state
    assert len(state.rule_sets) == 200 and "070120001000440300" in state.rule_sets
    assert state.platform is not None
