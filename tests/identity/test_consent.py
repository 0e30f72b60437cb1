"""Consent for third-party clients, and acr_values with minimum assurance levels (authorization and guards)."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import pytest
from authlib.common.security import generate_token
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import KeySet
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from ishenzhen.identity.guards import requires
from ishenzhen.identity.scopes import level_of, min_level_for, requested_level
from ishenzhen.identity.seed import THIRD_PARTY_CLIENT_ID, THIRD_PARTY_REDIRECT_URIS, THIRD_PARTY_SECRET
from ishenzhen.settings import Settings
from tests.identity.conftest import (
    ISSUER,
    L1,
    L2,
    L3,
    AsyncOAuth2Client,
    app_tokens,
    hidden_fields,
    query_of,
    sign_in,
)
from tests.probe_routes import PROBE_ROUTES

OAuthFactory = Callable[..., AsyncOAuth2Client]
METRO_CALLBACK = THIRD_PARTY_REDIRECT_URIS[0]


@get("/test/submit", opt=requires("applications:submit"), include_in_schema=False)
async def submit_probe() -> dict[str, str]:
    return {"ok": "yes"}


@pytest.fixture
def app(settings: Settings) -> Litestar:
    from ishenzhen.app import create_app

    return create_app(settings, extra_route_handlers=[*PROBE_ROUTES, submit_probe])


@pytest.fixture
def metro(oauth_client: OAuthFactory) -> AsyncOAuth2Client:
    """The third-party demo web service, a confidential client, as authlib's client."""
    return oauth_client(
        THIRD_PARTY_CLIENT_ID,
        client_secret=THIRD_PARTY_SECRET,
        token_endpoint_auth_method="client_secret_basic",
        redirect_uri=METRO_CALLBACK,
        scope="openid profile",
    )


def metro_url(metro: AsyncOAuth2Client, **params: str) -> tuple[str, str]:
    verifier = generate_token(48)
    url, _state = metro.create_authorization_url(
        f"{ISSUER}/oauth/authorize", code_verifier=verifier, **params
    )
    return url, verifier


async def consent_page(client: AsyncTestClient[Litestar], url: str, mobile: str = L1) -> str:
    page = await client.get(url)
    if page.status_code == 200 and "value=password" in page.text:
        form = {
            **hidden_fields(page.text),
            "action": "password",
            "mobile": mobile,
            "password": "ishenzhen-demo",
        }
        page = await client.post("/oauth/authorize", data=form)
    assert page.status_code == 200 and "name=action value=consent" in page.text, page.text
    return page.text


async def test_a_third_party_client_asks_once_then_the_consent_is_reused(
    client: AsyncTestClient[Litestar], metro: AsyncOAuth2Client, db_pool: asyncpg.Pool
) -> None:
    url, verifier = metro_url(metro)
    page = await consent_page(client, url)
    # The requested scopes, in plain words, in Chinese and English.
    for words in (
        "确认您的 i深圳 账户身份",
        "Confirm who you are",
        "读取您的姓名和实名认证等级",
        "See your name",
    ):
        assert words in page
    assert "深圳通乘车码" in page
    answer = await client.post(
        "/oauth/authorize", data={**hidden_fields(page), "action": "consent", "decision": "allow"}
    )
    assert answer.status_code == 302 and "code" in query_of(answer.headers["location"])
    token = await metro.fetch_token(
        f"{ISSUER}/oauth/token", authorization_response=answer.headers["location"], code_verifier=verifier
    )
    assert token["token_type"].lower() == "bearer" and token["scope"] == "openid profile"
    rows = await db_pool.fetch(
        "SELECT scopes FROM identity_consents WHERE client_id = $1", THIRD_PARTY_CLIENT_ID
    )
    assert [row["scopes"] for row in rows] == [["openid", "profile"]]
    # Later authorizations with the same (or a smaller) scope set go straight back with a code.
    for scope in ("openid profile", "openid"):
        again, _ = metro_url(metro, scope=scope)
        answer = await client.get(again)
        assert answer.status_code == 302 and "code" in query_of(answer.headers["location"])
    # A larger scope set asks again; prompt=consent always asks.
    for extra in ({"scope": "openid profile phone"}, {"prompt": "consent"}):
        url, _ = metro_url(metro, **extra)
        assert "name=action value=consent" in (await client.get(url)).text
    audited = await db_pool.fetchval("SELECT count(*) FROM identity_audit WHERE event = 'consent.granted'")
    assert audited == 1


async def test_refusing_consent_redirects_with_access_denied_and_the_state(
    client: AsyncTestClient[Litestar], metro: AsyncOAuth2Client, db_pool: asyncpg.Pool
) -> None:
    url, _ = metro_url(metro, state="metro-state")
    page = await consent_page(client, url)
    answer = await client.post(
        "/oauth/authorize", data={**hidden_fields(page), "action": "consent", "decision": "deny"}
    )
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(METRO_CALLBACK + "?")
    assert query_of(location)["error"] == "access_denied" and query_of(location)["state"] == "metro-state"
    assert "code" not in query_of(location)
    assert await db_pool.fetchval("SELECT count(*) FROM identity_consents") == 0
    assert await db_pool.fetchval("SELECT count(*) FROM identity_audit WHERE event = 'consent.refused'") == 1


async def test_prompt_none_without_consent_is_consent_required(
    client: AsyncTestClient[Litestar], metro: AsyncOAuth2Client, oauth_client: OAuthFactory
) -> None:
    await app_tokens(client, oauth_client)  # signed in (the first-party app never asks for consent)
    url, _ = metro_url(metro, prompt="none", state="s")
    answer = await client.get(url)
    assert answer.status_code == 302 and query_of(answer.headers["location"])["error"] == "consent_required"


async def test_consent_cannot_be_posted_without_a_session_or_for_a_foreign_party(
    client: AsyncTestClient[Litestar], metro: AsyncOAuth2Client
) -> None:
    url, _ = metro_url(metro)
    page = await consent_page(client, url)
    forged = {**hidden_fields(page), "action": "consent", "decision": "allow", "party": "91440300MA5FDEMQ01"}
    assert (await client.post("/oauth/authorize", data=forged)).status_code == 403  # L1 represents nobody
    client.cookies.delete("isz_session", path="/oauth")
    answer = await client.post(
        "/oauth/authorize", data={**hidden_fields(page), "action": "consent", "decision": "allow"}
    )
    assert answer.status_code == 401


# -- acr_values and minimum levels ---------------------------------------------------------------------------


async def test_acr_values_met_issues_tokens_at_that_level(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    token = await app_tokens(client, oauth_client, mobile=L3, acr_values="L3", nonce="n")
    keys = KeySet.import_key_set((await client.get("/oauth/jwks")).json())
    assert jwt.decode(token["access_token"], keys, algorithms=["ES256"]).claims["acr"] == "L3"
    assert jwt.decode(token["id_token"], keys, algorithms=["ES256"]).claims["acr"] == "L3"


async def test_an_account_below_acr_values_is_told_how_to_raise_it(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    oc = oauth_client()
    url, _ = oc.create_authorization_url(
        f"{ISSUER}/oauth/authorize", code_verifier=generate_token(48), acr_values="L2", state="acr-state"
    )
    page = await client.get(url)
    form = {**hidden_fields(page.text), "action": "password", "mobile": L1, "password": "ishenzhen-demo"}
    unmet = await client.post("/oauth/authorize", data=form)
    assert (
        unmet.status_code == 403
        and "实名认证" in unmet.text
        and "real-name verification" in unmet.text.lower()
    )
    # Back to the app: the OIDC error, at the client's redirect URI, with the state.
    back = await client.post("/oauth/authorize", data={**hidden_fields(unmet.text), "action": "unmet"})
    assert back.status_code == 302
    assert query_of(back.headers["location"]) == {
        "error": "unmet_authentication_requirements",
        "error_description": "the account's assurance level is too low",
        "state": "acr-state",
    }
    # Signed in at L1 now: prompt=none cannot be met interactively; without it, the sign-in page explains.
    url_none, _ = oc.create_authorization_url(
        f"{ISSUER}/oauth/authorize", code_verifier=generate_token(48), acr_values="L2 L3", prompt="none"
    )
    answer = await client.get(url_none)
    assert query_of(answer.headers["location"])["error"] == "unmet_authentication_requirements"
    again = await client.get(url)
    assert again.status_code == 200 and "value=password" in again.text and "L2" in again.text
    # Unknown acr values are ignored (OIDC: acr_values is a request, not a filter on our vocabulary).
    url_unknown, _ = oc.create_authorization_url(
        f"{ISSUER}/oauth/authorize", code_verifier=generate_token(48), acr_values="urn:unknown"
    )
    assert "code" in query_of((await client.get(url_unknown)).headers["location"])


async def test_a_token_below_a_scopes_minimum_level_is_403_naming_the_level(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    scope = "openid profile applications:submit"
    low = await app_tokens(client, oauth_client, mobile=L1, scope=scope)
    refused = await client.get("/test/submit", headers={"Authorization": f"Bearer {low['access_token']}"})
    assert refused.status_code == 403
    assert "L2" in refused.json()["detail"] and "L1" in refused.json()["detail"]
    challenge = refused.headers["www-authenticate"]
    assert 'error="insufficient_user_authentication"' in challenge and 'acr_values="L2"' in challenge
    client.cookies.clear()
    high = await app_tokens(client, oauth_client, mobile=L2, scope=scope)
    allowed = await client.get("/test/submit", headers={"Authorization": f"Bearer {high['access_token']}"})
    assert allowed.status_code == 200


@given(st.lists(st.sampled_from(["L1", "L2", "L3", "urn:x", "", "l2"]), max_size=5))
def test_acr_values_ask_for_the_lowest_known_level_listed(values: list[str]) -> None:
    known = [int(v[1]) for v in values if v in ("L1", "L2", "L3")]
    assert requested_level(" ".join(values)) == (min(known) if known else 0)


def test_the_minimum_level_table() -> None:
    assert level_of(None) == 0 and level_of("L9") == 0 and level_of("L2") == 2
    assert min_level_for(["registry:write"]) == 0 and min_level_for(["openid", "applications:submit"]) == 2


async def test_the_first_party_app_never_sees_a_consent_page(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    token = await app_tokens(client, oauth_client, mobile=L2, scope="openid profile phone")
    assert token["access_token"]
    url, _ = oauth_client().create_authorization_url(
        f"{ISSUER}/oauth/authorize", code_verifier=generate_token(48), prompt="consent"
    )
    location = await sign_in(client, url, L2)
    assert "code" in query_of(location)
