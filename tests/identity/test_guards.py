"""The resource-server side: bearer tokens verified locally; 401/403 with WWW-Authenticate."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import asyncpg
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import ECKey
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.oauth.keys import key_encryption_key, unseal_private_jwk
from ishenzhen.settings import load_settings
from tests.identity.conftest import L3, AsyncOAuth2Client, app_tokens


async def signing_key(db_pool: asyncpg.Pool) -> ECKey:
    row = await db_pool.fetchrow(
        "SELECT kid, private_jwk FROM identity_signing_keys ORDER BY signs_from DESC LIMIT 1"
    )
    kek = key_encryption_key(load_settings({}))  # the tests' development key-encryption key
    return ECKey.import_key(unseal_private_jwk(row["kid"], msgspec.json.decode(row["private_jwk"]), kek))


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")  # noqa: E731
    return f"{encode(header)}.{encode(claims)}."


async def test_me_shows_profile_level_and_parties(
    client: AsyncTestClient[Litestar], oauth_client: Callable[..., AsyncOAuth2Client]
) -> None:
    token = await app_tokens(client, oauth_client, mobile=L3)
    me = await client.get("/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.status_code == 200
    body = me.json()
    assert body["assurance_level"] == "L3" and body["token_acr"] == "L3" and body["acting_for"] is None
    assert body["name"] == "李娜" and body["parties"][0]["role"] == "legal_representative"


async def test_missing_token_is_401_with_a_bearer_challenge(client: AsyncTestClient[Litestar]) -> None:
    answer = await client.get("/v1/me")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith('Bearer realm="ishenzhen"')
    assert answer.headers["content-type"] == "application/problem+json"


async def test_tokens_in_the_query_string_are_refused(
    client: AsyncTestClient[Litestar], oauth_client: Callable[..., AsyncOAuth2Client]
) -> None:
    token = await app_tokens(client, oauth_client)
    answer = await client.get("/v1/me", params={"access_token": token["access_token"]})
    assert answer.status_code == 401 and 'error="invalid_request"' in answer.headers["www-authenticate"]


async def test_a_missing_scope_is_403_naming_it(
    client: AsyncTestClient[Litestar], oauth_client: Callable[..., AsyncOAuth2Client]
) -> None:
    token = await app_tokens(client, oauth_client, scope="openid phone")
    answer = await client.get("/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert answer.status_code == 403
    assert "profile" in answer.json()["detail"]
    assert 'error="insufficient_scope"' in answer.headers["www-authenticate"]


@pytest.mark.parametrize(
    ("header_change", "claim_change"),
    [
        ({"typ": "JWT"}, {}),  # an ID token or other JWT is not an access token
        ({}, {"aud": ["urn:someone-else"]}),
        ({}, {"iss": "https://evil.example"}),
        ({}, {"exp": int(time.time()) - 10}),
        ({}, {"client_id": None}),
    ],
)
async def test_forged_foreign_or_expired_tokens_are_401(
    client: AsyncTestClient[Litestar],
    oauth_client: Callable[..., AsyncOAuth2Client],
    db_pool: asyncpg.Pool,
    header_change: dict[str, Any],
    claim_change: dict[str, Any],
) -> None:
    token = await app_tokens(client, oauth_client)
    key = await signing_key(db_pool)
    claims = {**claims_of(token["access_token"]), **claim_change}
    claims = {k: v for k, v in claims.items() if v is not None}
    forged = jwt.encode({"alg": "ES256", "typ": "at+jwt", "kid": key.kid, **header_change}, claims, key)
    answer = await client.get("/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code == 401 and 'error="invalid_token"' in answer.headers["www-authenticate"]


async def test_alg_none_and_other_keys_are_401(
    client: AsyncTestClient[Litestar], oauth_client: Callable[..., AsyncOAuth2Client]
) -> None:
    token = await app_tokens(client, oauth_client)
    claims = claims_of(token["access_token"])
    none = unsigned({"alg": "none", "typ": "at+jwt"}, claims)
    stranger = ECKey.generate_key("P-256", private=True)
    foreign = jwt.encode(
        {"alg": "ES256", "typ": "at+jwt", "kid": claims_of(token["access_token"])["jti"]}, claims, stranger
    )
    for bad in (none, foreign, token["access_token"][:-4] + "AAAA"):
        answer = await client.get("/v1/me", headers={"Authorization": f"Bearer {bad}"})
        assert answer.status_code == 401


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=300))
def test_malformed_bearer_values_never_crash(bearer: str) -> None:
    from ishenzhen.identity.oauth.keys import KeyRing
    from ishenzhen.identity.oauth.tokens import AccessTokenVerifier, InvalidToken

    verifier = AccessTokenVerifier(
        KeyRing(None, 60, kek=key_encryption_key(load_settings({}))), "https://testserver.local"
    )  # type: ignore[arg-type]
    with pytest.raises(InvalidToken):
        verifier.verify(bearer)
