"""Key rotation: the new key is published before it signs; the old one verifies until its tokens expire."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import asyncpg
from joserfc import jwt
from joserfc.jwk import KeySet
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.oauth.keys import create_signing_key, key_encryption_key
from ishenzhen.settings import load_settings
from tests.identity.conftest import AsyncOAuth2Client, app_tokens


async def published(client: AsyncTestClient[Litestar]) -> KeySet:
    return KeySet.import_key_set((await client.get("/oauth/jwks")).json())


async def test_rotation_publishes_first_then_signs_and_keeps_the_old_key(
    client: AsyncTestClient[Litestar], oauth_client: Callable[..., AsyncOAuth2Client], db_pool: asyncpg.Pool
) -> None:
    before = await app_tokens(client, oauth_client)
    old_kid = jwt.decode(before["access_token"], await published(client)).header["kid"]
    async with db_pool.acquire() as connection:
        new_kid = await create_signing_key(
            connection,
            development=True,
            publish_for=dt.timedelta(minutes=5),
            old_keys_for=dt.timedelta(minutes=6),
            kek=key_encryption_key(load_settings({})),
        )
    keys = await published(client)
    assert {k.kid for k in keys} == {old_kid, new_kid}  # published at once
    during = await app_tokens(client, oauth_client)
    assert jwt.decode(during["access_token"], keys).header["kid"] == old_kid  # but not signing yet
    await db_pool.execute("UPDATE identity_signing_keys SET signs_from = now() WHERE kid = $1", new_kid)
    await db_pool.execute(
        "UPDATE identity_signing_keys SET published_until = now() + interval '6 minutes' WHERE kid = $1",
        old_kid,
    )
    after = await app_tokens(client, oauth_client)
    keys = await published(client)
    assert jwt.decode(after["access_token"], keys).header["kid"] == new_kid
    assert old_kid in {k.kid for k in keys}
    for token in (before, after):  # the API accepts both until the old key's tokens expire
        answer = await client.get("/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"})
        assert answer.status_code == 200
    await db_pool.execute("UPDATE identity_signing_keys SET published_until = now() WHERE kid = $1", old_kid)
    assert {k.kid for k in await published(client)} == {new_kid}


async def test_private_key_material_is_never_published(client: AsyncTestClient[Litestar]) -> None:
    for key in (await client.get("/oauth/jwks")).json()["keys"]:
        assert "d" not in key and key["kty"] == "EC" and key["alg"] == "ES256"
