"""Signing keys' private parts are encrypted at rest under a key-encryption key; production needs one."""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from pathlib import Path

import asyncpg
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.oauth.keys import KeyEncryptionKeyMissing, create_signing_keys, key_encryption_key
from ishenzhen.settings import load_settings

KEK = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


async def test_no_private_key_material_is_stored_in_the_clear(
    client: AsyncTestClient[Litestar], db_pool: asyncpg.Pool
) -> None:
    rows = await db_pool.fetch("SELECT alg, private_jwk::text AS stored FROM identity_signing_keys")
    assert sorted(row["alg"] for row in rows) == ["ES256", "RS256"]
    for row in rows:
        stored = json.loads(row["stored"])
        assert set(stored) == {"jwe"} and '"d"' not in row["stored"]
    # and the keys still sign tokens the published keys verify
    jwks = KeySet.import_key_set((await client.get("/oauth/jwks")).json())
    answer = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=("nobody", "wrong")
    )
    assert answer.status_code == 401 and jwks.keys


async def test_a_key_encrypted_under_one_kek_is_unreadable_under_another(db_pool: asyncpg.Pool) -> None:
    from ishenzhen.identity.oauth.keys import KeyRing

    async with db_pool.acquire() as connection:
        await db_pool.execute("DELETE FROM identity_signing_keys")
        await create_signing_keys(
            connection,
            development=False,
            publish_for=dt.timedelta(0),
            old_keys_for=dt.timedelta(0),
            kek=key_encryption_key(load_settings({}, identity_key_encryption_key=KEK)),
        )
    right = KeyRing(db_pool, 60, kek=key_encryption_key(load_settings({}, identity_key_encryption_key=KEK)))
    await right.load()
    for alg in ("ES256", "RS256"):
        key = right.signing_key(alg)
        token = jwt.encode({"alg": alg, "kid": key.kid}, {"sub": "x"}, key.private, algorithms=[alg])
        assert jwt.decode(token, right.public_keys, algorithms=[alg]).claims["sub"] == "x"
    other = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    wrong = KeyRing(db_pool, 60, kek=key_encryption_key(load_settings({}, identity_key_encryption_key=other)))
    with pytest.raises(ValueError, match="key-encryption key"):
        await wrong.load()


def test_production_refuses_to_start_without_a_key_encryption_key() -> None:
    production = load_settings({}, environment="production", identity_issuer="https://id.example")
    with pytest.raises(KeyEncryptionKeyMissing, match="ISHENZHEN_IDENTITY_KEY_ENCRYPTION_KEY"):
        key_encryption_key(production)


def test_the_kek_can_come_from_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "kek"
    path.write_text(KEK + "\n")
    path.chmod(0o600)
    settings = load_settings(
        {},
        environment="production",
        identity_issuer="https://id.example",
        identity_key_encryption_key_file=str(path),
    )
    assert key_encryption_key(settings) == key_encryption_key(
        load_settings({}, identity_key_encryption_key=KEK)
    )
    path.chmod(0o644)
    with pytest.raises(KeyEncryptionKeyMissing, match="0600"):
        key_encryption_key(settings)


@pytest.mark.parametrize("value", ["short", "!" * 43])
def test_a_malformed_kek_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(KeyEncryptionKeyMissing, match="ISHENZHEN_IDENTITY_KEY_ENCRYPTION_KEY"):
        key_encryption_key(load_settings({}, identity_key_encryption_key=value))
