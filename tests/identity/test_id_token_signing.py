"""ID tokens are signed with the algorithm the client registered: ES256 by default, RS256 on request
(OpenID Connect Core §15.1 makes RS256 mandatory to implement; Discovery §3 says it must be listed)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import asyncpg
import pytest
from authlib.common.security import generate_token
from joserfc import jwt
from joserfc.jwk import KeySet
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.oauth import service as oauth
from ishenzhen.identity.oauth.service import ClientRefused
from tests.identity.conftest import ISSUER, LOOPBACK, AsyncOAuth2Client, app_tokens, sign_in

OAuthFactory = Callable[..., AsyncOAuth2Client]
RS256_CLIENT = "rp-verifies-rs256"
SIGNED_OUT = "http://127.0.0.1:53117/signed-out"


async def register_relying_party(db_pool: asyncpg.Pool, client_id: str, **alg: str) -> None:
    async with db_pool.acquire() as connection:
        await oauth.register_client(
            connection,
            client_id=client_id,
            name="A relying party",
            kind="public",
            department=None,
            secret_hash=None,
            auth_method="none",
            redirect_uris=[LOOPBACK],
            grant_types=["authorization_code"],
            scopes=["openid", "profile"],
            first_party=True,
            demo=False,
            post_logout_redirect_uris=[SIGNED_OUT],
            **alg,
        )


async def code_flow(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, client_id: str
) -> dict[str, Any]:
    relying_party = oauth_client(client_id, scope="openid profile")
    verifier = generate_token(48)
    url, _state = relying_party.create_authorization_url(
        f"{ISSUER}/oauth/authorize", code_verifier=verifier, nonce="n-0S6_WzA2Mj"
    )
    location = await sign_in(client, url)
    token: dict[str, Any] = await relying_party.fetch_token(
        f"{ISSUER}/oauth/token", authorization_response=location, code_verifier=verifier
    )
    return token


def half_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


async def published_keys(client: AsyncTestClient[Litestar]) -> KeySet:
    return KeySet.import_key_set((await client.get("/oauth/jwks")).json())


async def test_a_client_registered_for_rs256_gets_an_rs256_id_token_verifiable_from_the_jwks(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    await register_relying_party(db_pool, RS256_CLIENT, id_token_signed_response_alg="RS256")
    token = await code_flow(client, oauth_client, RS256_CLIENT)
    keys = await published_keys(client)
    decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    assert decoded.header["alg"] == "RS256" and keys.get_by_kid(decoded.header["kid"]).key_type == "RSA"
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": ISSUER},
        aud={"essential": True, "value": RS256_CLIENT},
        nonce={"essential": True, "value": "n-0S6_WzA2Mj"},
        exp={"essential": True},
        sub={"essential": True},
    ).validate(decoded.claims)
    assert decoded.claims["at_hash"] == half_hash(token["access_token"])  # SHA-256 for RS256 too
    # Access tokens are the API's, not the client's: still ES256, whatever the client verifies.
    assert jwt.decode(token["access_token"], keys, algorithms=["ES256"]).header["alg"] == "ES256"


async def test_an_rs256_id_token_is_a_valid_hint_at_end_session(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    await register_relying_party(db_pool, RS256_CLIENT, id_token_signed_response_alg="RS256")
    token = await code_flow(client, oauth_client, RS256_CLIENT)
    out = await client.get(
        "/oauth/end-session",
        params={"id_token_hint": token["id_token"], "post_logout_redirect_uri": SIGNED_OUT, "state": "s1"},
    )
    assert out.status_code == 302 and out.headers["location"] == f"{SIGNED_OUT}?state=s1"


async def test_clients_that_register_no_algorithm_keep_es256_id_tokens(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    await register_relying_party(db_pool, "rp-default-alg")
    for token in (
        await code_flow(client, oauth_client, "rp-default-alg"),
        await app_tokens(client, oauth_client),
    ):
        id_token, access_token = str(token["id_token"]), str(token["access_token"])
        decoded = jwt.decode(id_token, await published_keys(client), algorithms=["ES256"])
        assert decoded.header["alg"] == "ES256" and decoded.claims["at_hash"] == half_hash(access_token)


async def test_only_the_algorithms_we_sign_with_can_be_registered(db_pool: asyncpg.Pool) -> None:
    for alg in ("none", "HS256", "PS256", "rs256"):
        with pytest.raises(ClientRefused, match="id_token_signed_response_alg"):
            await register_relying_party(db_pool, "rp-bad-alg", id_token_signed_response_alg=alg)


async def test_discovery_lists_rs256_and_es256_for_id_tokens(client: AsyncTestClient[Litestar]) -> None:
    for path in ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"):
        metadata = (await client.get(path)).json()
        assert sorted(metadata["id_token_signing_alg_values_supported"]) == ["ES256", "RS256"]
