"""The token endpoint and friends, driven with authlib's httpx OAuth client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import asyncpg
import pytest
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError as OAuth2Error
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.hashing import hash_token
from ishenzhen.identity.seed import DEMO_DEPARTMENT_SECRET, DEPARTMENT_CLIENT_ID
from tests.identity.conftest import ISSUER, L2, L3, LOOPBACK, AsyncOAuth2Client, app_tokens, query_of, sign_in

TOKEN_URL = f"{ISSUER}/oauth/token"
OAuthFactory = Callable[..., AsyncOAuth2Client]


async def jwks(client: AsyncTestClient[Litestar]) -> KeySet:
    return KeySet.import_key_set((await client.get("/oauth/jwks")).json())


async def test_discovery_says_what_we_do(client: AsyncTestClient[Litestar]) -> None:
    for path in ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"):
        metadata = (await client.get(path)).json()
        assert metadata["issuer"] == ISSUER
        assert metadata["code_challenge_methods_supported"] == ["S256"]
        assert metadata["response_types_supported"] == ["code"]
        assert "password" not in metadata["grant_types_supported"]
        assert "implicit" not in metadata["grant_types_supported"]
        assert metadata["jwks_uri"] == f"{ISSUER}/oauth/jwks"


async def test_code_flow_with_pkce_issues_rfc9068_access_tokens_and_an_id_token_with_the_nonce(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    token = await app_tokens(client, oauth_client, nonce="nonce-42")
    keys = await jwks(client)
    access = jwt.decode(token["access_token"], keys, algorithms=["ES256"])
    assert access.header["typ"] == "at+jwt" and access.header["kid"] in {k.kid for k in keys}
    claims = access.claims
    assert {"iss", "exp", "aud", "sub", "client_id", "iat", "jti", "scope"} <= set(claims)
    assert claims["iss"] == ISSUER and claims["client_id"] == "ishenzhen-app" and claims["acr"] == "L1"
    assert claims["exp"] - claims["iat"] == 300
    id_token = jwt.decode(token["id_token"], keys, algorithms=["ES256"]).claims
    assert (
        id_token["nonce"] == "nonce-42" and id_token["aud"] == ["ishenzhen-app"] and id_token["iss"] == ISSUER
    )
    assert id_token["sub"] == claims["sub"] and "at_hash" in id_token


async def test_a_wrong_verifier_is_invalid_grant(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    oc = oauth_client()
    url, _ = oc.create_authorization_url(f"{ISSUER}/oauth/authorize", code_verifier=generate_token(48))
    location = await sign_in(client, url)
    with pytest.raises(OAuth2Error) as caught:
        await oc.fetch_token(TOKEN_URL, authorization_response=location, code_verifier=generate_token(48))
    assert caught.value.error == "invalid_grant"


async def test_a_public_client_must_send_the_verifier(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    oc = oauth_client()
    url, _ = oc.create_authorization_url(f"{ISSUER}/oauth/authorize", code_verifier=generate_token(48))
    code = query_of(await sign_in(client, url))["code"]
    answer = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": LOOPBACK,
            "client_id": "ishenzhen-app",
        },
    )
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


async def test_a_verifier_where_no_challenge_was_made_is_refused(
    client: AsyncTestClient[Litestar], db_pool: asyncpg.Pool
) -> None:
    await db_pool.execute(
        "INSERT INTO identity_clients (client_id, name, kind, secret_hash, auth_method, redirect_uris, grant_types,"
        " scopes) VALUES ('web-portal', 'Portal', 'confidential', $1, 'client_secret_basic', $2,"
        " '{authorization_code}', '{openid,profile}')",
        hash_token("portal-secret"),
        ["https://portal.example/cb"],
    )
    url = (
        "/oauth/authorize?response_type=code&client_id=web-portal&redirect_uri=https%3A%2F%2Fportal.example%2Fcb"
        "&scope=openid"
    )
    code = query_of(await sign_in(client, url))["code"]
    answer = await client.post(
        "/oauth/token",
        auth=("web-portal", "portal-secret"),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "https://portal.example/cb",
            "code_verifier": generate_token(48),
        },
    )
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


async def test_a_code_is_single_use_and_a_replay_revokes_what_it_issued(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    oc = oauth_client()
    verifier = generate_token(48)
    url, _ = oc.create_authorization_url(f"{ISSUER}/oauth/authorize", code_verifier=verifier)
    location = await sign_in(client, url)
    token = await oc.fetch_token(TOKEN_URL, authorization_response=location, code_verifier=verifier)
    with pytest.raises(OAuth2Error) as caught:
        await oauth_client().fetch_token(TOKEN_URL, authorization_response=location, code_verifier=verifier)
    assert caught.value.error == "invalid_grant"
    with pytest.raises(OAuth2Error):
        await oc.refresh_token(TOKEN_URL, refresh_token=token["refresh_token"])
    assert await db_pool.fetchval("SELECT revoked_why FROM identity_refresh_families") == "code_replayed"


async def test_codes_live_at_most_ten_minutes(
    client: AsyncTestClient[Litestar], db_pool: asyncpg.Pool, oauth_client: OAuthFactory
) -> None:
    oc = oauth_client()
    verifier = generate_token(48)
    url, _ = oc.create_authorization_url(f"{ISSUER}/oauth/authorize", code_verifier=verifier)
    location = await sign_in(client, url)
    lifetime = await db_pool.fetchval("SELECT expires_at - created_at FROM identity_authorization_codes")
    assert lifetime.total_seconds() <= 600
    with pytest.raises(asyncpg.CheckViolationError):
        await db_pool.execute(
            "UPDATE identity_authorization_codes SET expires_at = created_at + interval '11 minutes'"
        )
    await db_pool.execute(
        "UPDATE identity_authorization_codes SET expires_at = now(), created_at = now() - interval '5 minutes'"
    )
    with pytest.raises(OAuth2Error) as caught:
        await oc.fetch_token(TOKEN_URL, authorization_response=location, code_verifier=verifier)
    assert caught.value.error == "invalid_grant"


async def test_refresh_tokens_rotate_and_a_replay_revokes_the_family(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    first = await app_tokens(client, oauth_client)
    oc = oauth_client()
    second = await oc.refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])
    assert (
        second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    )
    third = await oc.refresh_token(TOKEN_URL, refresh_token=second["refresh_token"])
    with pytest.raises(OAuth2Error) as caught:
        await oc.refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])  # replay of a used one
    assert caught.value.error == "invalid_grant"
    with pytest.raises(OAuth2Error):
        await oc.refresh_token(TOKEN_URL, refresh_token=third["refresh_token"])  # the whole family is gone
    assert (
        await db_pool.fetchval("SELECT revoked_why FROM identity_refresh_families") == "refresh_token_reused"
    )
    events = [r["event"] for r in await db_pool.fetch("SELECT event FROM identity_audit")]
    assert "refresh.reused" in events


async def test_concurrent_refreshes_with_one_token_yield_at_most_one_success(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    first = await app_tokens(client, oauth_client)
    results = await asyncio.gather(
        *(oauth_client().refresh_token(TOKEN_URL, refresh_token=first["refresh_token"]) for _ in range(4)),
        return_exceptions=True,
    )
    assert sum(1 for r in results if not isinstance(r, BaseException)) <= 1


async def test_refresh_is_bound_to_the_consented_scope_and_expires_when_idle(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    first = await app_tokens(client, oauth_client, scope="openid profile offline_access")
    with pytest.raises(OAuth2Error) as caught:
        await oauth_client().refresh_token(
            TOKEN_URL, refresh_token=first["refresh_token"], scope="openid phone"
        )
    assert caught.value.error == "invalid_scope"
    narrower = await oauth_client().refresh_token(
        TOKEN_URL, refresh_token=first["refresh_token"], scope="openid"
    )
    assert narrower["scope"] == "openid"
    await db_pool.execute("UPDATE identity_refresh_families SET last_used_at = now() - interval '15 days'")
    with pytest.raises(OAuth2Error):
        await oauth_client().refresh_token(TOKEN_URL, refresh_token=narrower["refresh_token"])


@pytest.mark.parametrize(
    "grant_type", ["password", "implicit", "urn:ietf:params:oauth:grant-type:device_code"]
)
async def test_password_and_implicit_grants_are_refused(
    client: AsyncTestClient[Litestar], grant_type: str
) -> None:
    answer = await client.post(
        "/oauth/token",
        data={"grant_type": grant_type, "username": L2, "password": "x", "client_id": "ishenzhen-app"},
    )
    assert answer.status_code == 400 and answer.json()["error"] == "unsupported_grant_type"


async def test_client_credentials_for_a_department_system(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    dept = oauth_client(
        DEPARTMENT_CLIENT_ID,
        client_secret=DEMO_DEPARTMENT_SECRET,
        token_endpoint_auth_method="client_secret_basic",
        scope="registry:write",
    )
    token = await dept.fetch_token(TOKEN_URL, grant_type="client_credentials")
    claims = jwt.decode(token["access_token"], await jwks(client), algorithms=["ES256"]).claims
    assert claims["sub"] == DEPARTMENT_CLIENT_ID and claims["department"] == "market-regulation"
    assert claims["scope"] == "registry:write" and "refresh_token" not in token
    wrong = oauth_client(
        DEPARTMENT_CLIENT_ID, client_secret="wrong", token_endpoint_auth_method="client_secret_basic"
    )
    with pytest.raises(OAuth2Error) as caught:
        await wrong.fetch_token(TOKEN_URL, grant_type="client_credentials")
    assert caught.value.error == "invalid_client"
    public = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials", "client_id": "ishenzhen-app"}
    )
    assert public.status_code in (400, 401)


async def test_private_key_jwt_authenticates_once_per_assertion(
    client: AsyncTestClient[Litestar], db_pool: asyncpg.Pool
) -> None:
    key = ECKey.generate_key("P-256", parameters={"kid": "dept-key-1", "alg": "ES256"}, private=True)
    public = {"keys": [{**key.as_dict(private=False), "kid": "dept-key-1"}]}
    import msgspec

    await db_pool.execute(
        "INSERT INTO identity_clients (client_id, name, kind, department, jwks, auth_method, grant_types, scopes)"
        " VALUES ('dept-housing', 'Housing', 'confidential', 'housing', $1, 'private_key_jwt',"
        " '{client_credentials}', '{applications:update}')",
        msgspec.json.encode(public).decode(),
    )
    now = int(time.time())
    assertion = jwt.encode(
        {"alg": "ES256", "kid": "dept-key-1"},
        {
            "iss": "dept-housing",
            "sub": "dept-housing",
            "aud": TOKEN_URL,
            "iat": now,
            "exp": now + 60,
            "jti": generate_token(16),
        },
        key,
    )
    form = {
        "grant_type": "client_credentials",
        "client_assertion": assertion,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    }
    first = await client.post("/oauth/token", data=form)
    assert first.status_code == 200, first.text
    replay = await client.post("/oauth/token", data=form)
    assert replay.status_code in (400, 401) and replay.json()["error"] == "invalid_client"


async def test_revocation_and_introspection(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    token = await app_tokens(client, oauth_client)
    dept = (DEPARTMENT_CLIENT_ID, DEMO_DEPARTMENT_SECRET)
    # Introspection requires client authentication.
    anonymous = await client.post(
        "/oauth/introspect", data={"token": token["access_token"], "client_id": "ishenzhen-app"}
    )
    assert anonymous.status_code in (400, 401) and anonymous.json()["error"] == "invalid_client"
    active = (await client.post("/oauth/introspect", auth=dept, data={"token": token["access_token"]})).json()
    assert active["active"] is True and active["client_id"] == "ishenzhen-app"
    refresh_state = (
        await client.post("/oauth/introspect", auth=dept, data={"token": token["refresh_token"]})
    ).json()
    assert refresh_state["active"] is True
    unknown = await client.post("/oauth/introspect", auth=dept, data={"token": "nothing-we-issued"})
    assert unknown.json() == {"active": False}
    # Revocation: 200 for an unknown token; revoking the refresh token ends its family.
    assert (
        await client.post("/oauth/revoke", data={"token": "nothing", "client_id": "ishenzhen-app"})
    ).status_code == 200
    revoked = await client.post(
        "/oauth/revoke",
        data={
            "token": token["refresh_token"],
            "client_id": "ishenzhen-app",
            "token_type_hint": "refresh_token",
        },
    )
    assert revoked.status_code == 200
    assert (
        await client.post("/oauth/introspect", auth=dept, data={"token": token["refresh_token"]})
    ).json() == {"active": False}
    with pytest.raises(OAuth2Error):
        await oauth_client().refresh_token(TOKEN_URL, refresh_token=token["refresh_token"])
    await client.post("/oauth/revoke", data={"token": token["access_token"], "client_id": "ishenzhen-app"})
    assert (
        await client.post("/oauth/introspect", auth=dept, data={"token": token["access_token"]})
    ).json() == {"active": False}


async def test_userinfo_by_get_and_post(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    token = await app_tokens(client, oauth_client, mobile=L3)
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    by_get = await client.get("/oauth/userinfo", headers=headers)
    by_post = await client.post("/oauth/userinfo", headers=headers)
    assert by_get.status_code == by_post.status_code == 200
    assert by_get.json() == by_post.json()
    assert by_get.json()["name"] == "李娜" and by_get.json()["phone_number"] == f"+86{L3}"
    anonymous = await client.get("/oauth/userinfo")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Bearer")


async def test_acting_for_an_enterprise(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    token = await app_tokens(
        client, oauth_client, mobile=L2, scope="openid profile enterprise", party="91440300MA5FDEMQ01"
    )
    claims = jwt.decode(token["access_token"], await jwks(client), algorithms=["ES256"]).claims
    assert claims["party"] == {"type": "enterprise", "id": "91440300MA5FDEMQ01"} and claims["acr"] == "L2"
    me = (await client.get("/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"})).json()
    assert me["sub"] == claims["sub"] and me["acting_for"] == "91440300MA5FDEMQ01"
    assert [(p["credit_code"], p["role"]) for p in me["parties"]] == [("91440300MA5FDEMQ01", "agent")]


async def test_end_session_redirects_only_to_a_registered_uri(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    token = await app_tokens(client, oauth_client)
    out = await client.get(
        "/oauth/end-session",
        params={
            "id_token_hint": token["id_token"],
            "state": "s1",
            "post_logout_redirect_uri": "cn.gov.shenzhen.app:/oauth/signed-out",
        },
    )
    assert (
        out.status_code == 302 and out.headers["location"] == "cn.gov.shenzhen.app:/oauth/signed-out?state=s1"
    )
    evil = await client.get(
        "/oauth/end-session",
        params={"id_token_hint": token["id_token"], "post_logout_redirect_uri": "https://evil.example/"},
    )
    assert evil.status_code == 400 and "location" not in evil.headers
