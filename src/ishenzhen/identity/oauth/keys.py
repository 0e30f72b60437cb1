"""Signing keys: one ES256 and one RS256 key at a time, generated with joserfc, kept in PostgreSQL, held in
memory by each instance.

ES256 signs every access token and, by default, ID tokens; RS256 is there because OpenID Connect Core §15.1
makes it mandatory to implement, and signs the ID tokens of clients registered with
``id_token_signed_response_alg = RS256``. Both kinds are created, rotated and retired together.

Rotation publishes a new key at once and lets it sign only from ``signs_from`` on, later than any instance's
next reload, so every verifier knows a key before a token signed with it exists. The key it replaces stays
published until the tokens it signed have expired. Private parts never leave this module except to sign;
``repr`` of a stored key shows its kid only. At rest they are a JWE (A256KW + A256GCM) under the
key-encryption key (``key_encryption_key``): a copy of the table, or a local process reading it, holds no key.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import structlog
from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, OctKey, RSAKey, import_key

from ishenzhen.db.types import Connection
from ishenzhen.identity.oauth._sql import queries
from ishenzhen.settings import ENV_NAMES, Settings

__all__ = [
    "ALGORITHM",
    "SIGNING_ALGORITHMS",
    "KeyEncryptionKeyMissing",
    "KeyRing",
    "StoredKey",
    "create_signing_keys",
    "key_encryption_key",
    "missing_signing_algorithms",
    "unseal_private_jwk",
]

log = structlog.get_logger(__name__)
# Access tokens, and ID tokens unless the client registered otherwise.
ALGORITHM = "ES256"
SIGNING_ALGORITHMS = ("ES256", "RS256")
# 2048 bits is the floor RFC 7518 §3.3 sets and NIST SP 800-57 accepts to 2030. Measured with joserfc on the
# development machine: an RS256 ID token signs in ~2.0 ms against ~0.4 ms for ES256 (594 against 338 bytes),
# and a key takes ~0.13 s to generate; a larger modulus would only make the slower signature slower still.
RSA_BITS = 2048


@dataclass(frozen=True, slots=True)
class StoredKey:
    kid: str
    alg: str
    private: ECKey | RSAKey = field(repr=False)
    public: dict[str, Any] = field(repr=False)
    development: bool
    signs_from: dt.datetime
    published_until: dt.datetime | None


def _decode(value: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    """A JWK column as a dict (asyncpg hands jsonb over as text unless a codec decodes it)."""
    if isinstance(value, str | bytes):
        decoded: dict[str, Any] = msgspec.json.decode(value)
        return decoded
    return dict(value)


# -- private parts at rest -------------------------------------------------------------------------------------

# Development keys are refused in production, so development needs no secret: a fixed, public KEK.
_DEVELOPMENT_KEK = hashlib.sha256(b"ishenzhen development key-encryption key (public)").digest()
_SEALING = {"alg": "A256KW", "enc": "A256GCM", "cty": "jwk+json"}


class KeyEncryptionKeyMissing(ValueError):
    """No usable key-encryption key: the message names the setting."""


def key_encryption_key(settings: Settings) -> OctKey:
    """The KEK from ``ISHENZHEN_IDENTITY_KEY_ENCRYPTION_KEY`` or the 0600 file ``…_FILE`` names; in
    development without either, the public development KEK; in production without either, refusal."""
    variable = ENV_NAMES["identity_key_encryption_key"]
    text = settings.identity.key_encryption_key
    if settings.identity.key_encryption_key_file is not None:
        variable = ENV_NAMES["identity_key_encryption_key_file"]
        path = Path(settings.identity.key_encryption_key_file)
        try:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                raise KeyEncryptionKeyMissing(f"{variable}: {path} must be readable by its owner only (0600)")
            text = path.read_text().strip()
        except OSError as exc:
            raise KeyEncryptionKeyMissing(f"{variable}: cannot read {path}: {exc.strerror}") from None
    if text is None:
        if settings.is_production:
            raise KeyEncryptionKeyMissing(
                f"production needs a key-encryption key for the signing keys: set {variable} (32 random bytes, "
                f"base64url) or {ENV_NAMES['identity_key_encryption_key_file']} (a 0600 file holding it)"
            )
        return OctKey.import_key(_DEVELOPMENT_KEK)
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise KeyEncryptionKeyMissing(
            f"{variable}: expected 32 bytes in base64url (e.g. `openssl rand -base64 32`)"
        )
    return OctKey.import_key(raw)


def _seal(private: dict[str, Any], kek: OctKey) -> dict[str, str]:
    return {"jwe": jwe.encrypt_compact(dict(_SEALING), msgspec.json.encode(private), kek)}


def unseal_private_jwk(kid: str, stored: dict[str, Any], kek: OctKey) -> dict[str, Any]:
    if "jwe" not in stored:
        # Written before keys were sealed: still usable; rotating the keys replaces it with a sealed one.
        log.warning("identity.signing_key_unsealed", kid=kid)
        return stored
    try:
        private = _decode(jwe.decrypt_compact(stored["jwe"], kek).plaintext or b"")
    except (JoseError, ValueError) as exc:
        raise ValueError(
            f"signing key {kid} cannot be decrypted with this key-encryption key ({type(exc).__name__})"
        ) from None
    if private.get("kid") != kid:  # a sealed key copied onto another row
        raise ValueError(f"signing key {kid} holds the sealed key {private.get('kid')!r}")
    return private


def _generate(alg: str) -> ECKey | RSAKey:
    if alg == "ES256":
        return ECKey.generate_key("P-256", parameters={"alg": alg, "use": "sig"}, private=True)
    if alg == "RS256":
        return RSAKey.generate_key(RSA_BITS, parameters={"alg": alg, "use": "sig"}, private=True)
    raise ValueError(f"no signing keys for {alg!r}: expected one of {', '.join(SIGNING_ALGORITHMS)}")


async def create_signing_keys(
    connection: Connection,
    *,
    development: bool,
    publish_for: dt.timedelta,
    old_keys_for: dt.timedelta,
    kek: OctKey,
    algorithms: tuple[str, ...] | list[str] = SIGNING_ALGORITHMS,
) -> dict[str, str]:
    """Add a key per algorithm, each signing from ``now + publish_for``; older keys of the same algorithm stop
    signing then and stay published ``old_keys_for`` longer. Returns the new kid of each algorithm."""
    generated = {alg: _generate(alg) for alg in algorithms}  # before the lock: RSA generation takes a while
    kids: dict[str, str] = {}
    async with connection.transaction():
        await queries.lock_signing_keys(connection)
        signs_from: dt.datetime = await queries.signs_from(connection, publish_for=publish_for)
        for alg, key in generated.items():
            kid = kids[alg] = key.thumbprint()
            private = {**key.as_dict(private=True), "kid": kid}
            public = {**key.as_dict(private=False), "kid": kid}
            await queries.insert_signing_key(
                connection,
                kid=kid,
                alg=alg,
                private_jwk=msgspec.json.encode(_seal(private, kek)).decode(),
                public_jwk=msgspec.json.encode(public).decode(),
                development=development,
                signs_from=signs_from,
            )
            await queries.retire_keys_before(
                connection, kid=kid, alg=alg, signs_from=signs_from, published_until=signs_from + old_keys_for
            )
    log.info(
        "identity.signing_keys_created", kids=kids, signs_from=signs_from.isoformat(), development=development
    )
    return kids


async def missing_signing_algorithms(connection: Connection) -> list[str]:
    """The algorithms with no key that signs now or will (a retired key only verifies until it expires)."""
    present = {row["alg"] async for row in queries.signing_algorithms(connection)}
    return [alg for alg in SIGNING_ALGORITHMS if alg not in present]


class KeyRing:
    """The published keys of this instance, reloaded at most every ``refresh_seconds``."""

    def __init__(self, pool: asyncpg.Pool, refresh_seconds: float, *, kek: OctKey) -> None:
        self.pool = pool
        self.kek = kek
        self.refresh_seconds = refresh_seconds
        self.keys: list[StoredKey] = []
        self.public_keys = KeySet([])
        self.loaded_at = float("-inf")

    async def load(self) -> None:
        async with self.pool.acquire() as connection:
            rows = [row async for row in queries.published_keys(connection)]
        keys = []
        for row in rows:
            private = import_key(unseal_private_jwk(row["kid"], _decode(row["private_jwk"]), self.kek))
            if not isinstance(private, ECKey | RSAKey) or private.alg != row["alg"]:
                raise ValueError(f"signing key {row['kid']} is not an {row['alg']} key")
            keys.append(
                StoredKey(
                    kid=row["kid"],
                    alg=row["alg"],
                    private=private,
                    public=_decode(row["public_jwk"]),
                    development=row["development"],
                    signs_from=row["signs_from"],
                    published_until=row["published_until"],
                )
            )
        self.keys = keys
        self.public_keys = KeySet([import_key(key.public) for key in keys])
        self.loaded_at = time.monotonic()

    async def refresh_if_stale(self) -> None:
        if time.monotonic() - self.loaded_at >= self.refresh_seconds:
            await self.load()

    def signing_key(self, alg: str = ALGORITHM) -> StoredKey:
        now = dt.datetime.now(dt.UTC)
        usable = [key for key in self.keys if key.alg == alg and key.signs_from <= now]
        if not usable:
            raise LookupError(f"no {alg} signing key is active yet")
        return max(usable, key=lambda key: key.signs_from)

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [key.public for key in self.keys]}
