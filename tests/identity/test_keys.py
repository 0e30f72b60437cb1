"""Key rotation: the new key is published before it signs; the old one verifies until its tokens expire."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable

import asyncpg
from joserfc import jwt
from joserfc.jwk import KeySet
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.app import create_app
from ishenzhen.identity.oauth.keys import create_signing_keys, key_encryption_key
from ishenzhen.settings import Settings, load_settings
from tests.identity.conftest import AsyncOAuth2Client, app_tokens


async def published(client: AsyncTestClient[Litestar]) -> KeySet:
    return KeySet.import_key_set((await client.get("/oauth/jwks")).json())


async def test_rotation_publishes_first_then_signs_and_keeps_the_old_key(
    client: AsyncTestClient[Litestar], oauth_client: Callable[..., AsyncOAuth2Client], db_pool: asyncpg.Pool
) -> None:
    before = await app_tokens(client, oauth_client)
    old_kids = {k.kid for k in await published(client)}
    old_kid = jwt.decode(before["access_token"], await published(client)).header["kid"]
    async with db_pool.acquire() as connection:
        new_kids = await create_signing_keys(
            connection,
            development=True,
            publish_for=dt.timedelta(minutes=5),
            old_keys_for=dt.timedelta(minutes=6),
            kek=key_encryption_key(load_settings({})),
        )
    assert set(new_kids) == {"ES256", "RS256"}  # one rotation renews both kinds
    new_kid = new_kids["ES256"]
    keys = await published(client)
    assert {k.kid for k in keys} == old_kids | set(new_kids.values())  # published at once
    assert len(old_kids) == 2
    during = await app_tokens(client, oauth_client)
    assert jwt.decode(during["access_token"], keys).header["kid"] == old_kid  # but not signing yet
    await db_pool.execute(
        "UPDATE identity_signing_keys SET signs_from = now() WHERE kid = ANY($1)", list(new_kids.values())
    )
    retiring = await db_pool.fetch(
        "SELECT alg FROM identity_signing_keys WHERE kid = ANY($1) AND published_until IS NOT NULL",
        list(old_kids),
    )
    assert sorted(row["alg"] for row in retiring) == ["ES256", "RS256"]  # both old keys stop signing
    await db_pool.execute(
        "UPDATE identity_signing_keys SET published_until = now() + interval '6 minutes' WHERE kid = ANY($1)",
        list(old_kids),
    )
    after = await app_tokens(client, oauth_client)
    keys = await published(client)
    assert jwt.decode(after["access_token"], keys).header["kid"] == new_kid
    assert old_kids <= {k.kid for k in keys}
    for token in (before, after):  # the API accepts both until the old key's tokens expire
        answer = await client.get("/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"})
        assert answer.status_code == 200
    await db_pool.execute(
        "UPDATE identity_signing_keys SET published_until = now() WHERE kid = ANY($1)", list(old_kids)
    )
    assert {k.kid for k in await published(client)} == set(new_kids.values())


async def test_the_jwks_publishes_an_es256_and_an_rs256_key_and_no_private_material(
    client: AsyncTestClient[Litestar],
) -> None:
    keys = (await client.get("/oauth/jwks")).json()["keys"]
    assert sorted((key["kty"], key["alg"]) for key in keys) == [("EC", "ES256"), ("RSA", "RS256")]
    for key in keys:
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key) and key["use"] == "sig"
    rsa = next(key for key in keys if key["kty"] == "RSA")
    modulus = base64.urlsafe_b64decode(rsa["n"] + "=" * (-len(rsa["n"]) % 4))
    assert len(modulus) * 8 >= 2048


async def test_a_database_with_only_an_es256_key_gains_an_rs256_key_at_start(
    settings: Settings, db_pool: asyncpg.Pool
) -> None:
    async with AsyncTestClient(app=create_app(settings)):
        pass
    es256 = await db_pool.fetchval("SELECT kid FROM identity_signing_keys WHERE alg = 'ES256'")
    await db_pool.execute("DELETE FROM identity_signing_keys WHERE alg = 'RS256'")
    async with AsyncTestClient(app=create_app(settings)):
        pass
    rows = await db_pool.fetch("SELECT kid, alg FROM identity_signing_keys ORDER BY alg")
    assert [row["alg"] for row in rows] == ["ES256", "RS256"] and rows[0]["kid"] == es256
