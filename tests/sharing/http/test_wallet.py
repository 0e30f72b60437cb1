"""``GET /v1/me/licences``: the holder's e-licences from the register with today's status, every look-up logged."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.accounts.service import grant_enterprise_role
from ishenzhen.identity.seed import DEMO_ENTERPRISE
from ishenzhen.sharing import PlatformClient
from ishenzhen.sharing.service import licence_status
from ishenzhen_simulators.data_platform.app import DEV_CLIENT_ID, DEV_CLIENT_SECRET, Knobs, create_app
from ishenzhen_simulators.data_platform.registers import City
from tests.identity.conftest import L1, L2, L3, app_tokens

OAuthFactory = Callable[..., Any]
ENTERPRISE = DEMO_ENTERPRISE[0]
WALLET = "openid profile licences"


@pytest.fixture
async def register(client: AsyncTestClient[Litestar], city: City, knobs: Knobs) -> AsyncIterator[Knobs]:
    """The app talks to the simulated platform in process (only the transport is swapped)."""
    transport = httpx.ASGITransport(app=create_app(city, {DEV_CLIENT_ID: DEV_CLIENT_SECRET}, knobs))
    platform = PlatformClient(
        "http://platform.test", DEV_CLIENT_ID, DEV_CLIENT_SECRET, timeout=0.3, transport=transport
    )
    client.app.state.platform = platform
    try:
        yield knobs
    finally:
        await platform.aclose()


async def _bearer(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, **kwargs: Any
) -> dict[str, str]:
    token = await app_tokens(client, oauth_client, **kwargs)
    return {"Authorization": f"Bearer {token['access_token']}"}


async def test_a_citizen_sees_their_licences_with_todays_status_and_the_look_up_is_logged(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, register: Knobs
) -> None:
    headers = await _bearer(client, oauth_client, mobile=L3, scope=WALLET)
    answer = await client.get("/v1/me/licences", headers=headers)
    assert answer.status_code == 200, answer.text
    wallet = answer.json()
    assert wallet["holder_kind"] == "person"
    by_type = {licence["type"]: licence for licence in wallet["licences"]}
    assert by_type["resident_id"]["status"] == "valid" and by_type["resident_id"]["type_name"] == "居民身份证"
    assert by_type["resident_id"]["holder_name"] == "李娜"
    # The register still flags it valid, but its expiry date has passed: the wallet says so.
    assert by_type["driving_licence"]["expires_on"] == "2024-07-04"
    assert (
        by_type["driving_licence"]["status"] == "expired"
        and by_type["driving_licence"]["status_name"] == "已过期"
    )
    assert wallet["licences"][-1]["type"] == "driving_licence"  # valid ones first
    assert "expires_on" not in by_type["household_register"]
    log = (await client.get("/v1/me/data-access", headers=headers)).json()["entries"]
    assert log[0]["id"] == wallet["access_log_id"]
    assert (log[0]["source"], log[0]["citizen_action"], log[0]["purpose"], log[0]["outcome"]) == (
        "e_licence",
        "view_licences",
        "citizen_view",
        "ok",
    )
    assert log[0]["field_names"] == ["全部电子证照（类型、编号、发证机关、日期、状态）"]
    english = (await client.get("/v1/me/licences", headers={**headers, "Accept-Language": "en"})).json()
    assert {licence["type_name"] for licence in english["licences"]} >= {
        "resident ID card",
        "driving licence",
    }
    assert english["access_log_id"] > wallet["access_log_id"]  # every look-up is its own entry


async def test_degree_level_is_shown(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, register: Knobs
) -> None:
    headers = await _bearer(client, oauth_client, mobile=L2, scope=WALLET)
    wallet = (await client.get("/v1/me/licences", headers=headers)).json()
    degree = next(licence for licence in wallet["licences"] if licence["type"] == "degree_certificate")
    assert degree["level"] == "bachelor" and degree["status"] == "valid"


async def test_least_privilege(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, register: Knobs
) -> None:
    assert (await client.get("/v1/me/licences")).status_code == 401
    profile_only = await _bearer(client, oauth_client, mobile=L3, scope="openid profile")
    refused = await client.get("/v1/me/licences", headers=profile_only)
    assert refused.status_code == 403 and refused.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert "licences" in refused.headers.get("www-authenticate", "") + refused.text
    # A phone-only account (L1) has no verified name, so no licence could be its; the scope needs L2.
    client.cookies.clear()  # a new browser, so the sign-in above is not reused
    low = await client.get(
        "/v1/me/licences", headers=await _bearer(client, oauth_client, mobile=L1, scope=WALLET)
    )
    assert low.status_code == 403 and "L2" in low.text


async def test_acting_for_an_enterprise(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, register: Knobs, database_url: str
) -> None:
    scope = WALLET + " enterprise"
    representative = await _bearer(client, oauth_client, mobile=L3, scope=scope, party=ENTERPRISE)
    wallet = (await client.get("/v1/me/licences", headers=representative)).json()
    assert wallet["holder_kind"] == "enterprise"
    assert [(x["type"], x["number"], x["status"]) for x in wallet["licences"]] == [
        ("business_licence", ENTERPRISE, "valid")
    ]
    log = (await client.get("/v1/me/data-access", headers=representative)).json()
    assert log["subject_kind"] == "enterprise" and log["entries"][0]["id"] == wallet["access_log_id"]
    # The demo agent (经办人) may submit for the enterprise but was not let see its licences.
    client.cookies.clear()  # a new browser, so the sign-in above is not reused
    agent = await _bearer(client, oauth_client, mobile=L2, scope=scope, party=ENTERPRISE)
    refused = await client.get("/v1/me/licences", headers=agent)
    assert refused.status_code == 403 and "licences scope" in refused.json()["detail"]
    connection = await asyncpg.connect(database_url)
    try:
        account = await connection.fetchval("SELECT id FROM identity_accounts WHERE mobile = $1", L2)
        await grant_enterprise_role(
            connection,
            ENTERPRISE,
            uuid.UUID(str(account)),
            "agent",
            scopes=["applications:submit", "licences"],
            expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
        )
    finally:
        await connection.close()
    granted = await client.get("/v1/me/licences", headers=agent)
    assert granted.status_code == 200 and granted.json()["holder_kind"] == "enterprise"


@pytest.mark.parametrize("mode", ["down", "slow"])
async def test_register_unavailable_is_503_and_still_logged(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, register: Knobs, mode: str
) -> None:
    register.modes["e_licence"] = mode
    register.delays["e_licence"] = 1000
    headers = await _bearer(client, oauth_client, mobile=L3, scope=WALLET)
    answer = await client.get("/v1/me/licences", headers=headers)
    assert answer.status_code == 503 and answer.headers["content-type"].startswith("application/problem+json")
    newest = (await client.get("/v1/me/data-access", headers=headers)).json()["entries"][0]
    assert (newest["source"], newest["outcome"], newest["citizen_action"]) == (
        "e_licence",
        "unavailable",
        "view_licences",
    )


TODAY = dt.date(2026, 3, 1)


@given(
    flag=st.sampled_from(["valid", "revoked", "expired", "", "bogus"]),
    expires=st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))),
)
def test_status_is_never_valid_past_expiry_nor_when_revoked(flag: str, expires: dt.date | None) -> None:
    status = licence_status({"status": flag, "expires_on": expires.isoformat() if expires else None}, TODAY)
    assert (status == "valid") == (flag == "valid" and (expires is None or expires >= TODAY))
    if flag == "revoked":
        assert status == "revoked"
    # The day of expiry itself is still valid.
    assert licence_status({"status": "valid", "expires_on": TODAY.isoformat()}, TODAY) == "valid"
