"""Signing keys: ES256 keys generated with joserfc, kept in PostgreSQL, held in memory by each instance.

Rotation publishes a new key at once and lets it sign only from ``signs_from`` on, later than any instance's
next reload, so every verifier knows a key before a token signed with it exists. The key it replaces stays
published until the tokens it signed have expired. Private parts never leave this module except to sign;
``repr`` of a stored key shows its kid only.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import msgspec
import structlog
from joserfc.jwk import ECKey, KeySet

from ishenzhen.db.types import Connection
from ishenzhen.identity.oauth._sql import queries

__all__ = ["KeyRing", "StoredKey", "create_signing_key"]

log = structlog.get_logger(__name__)
ALGORITHM = "ES256"


@dataclass(frozen=True, slots=True)
class StoredKey:
    kid: str
    alg: str
    private: ECKey = field(repr=False)
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


async def create_signing_key(
    connection: Connection,
    *,
    development: bool,
    publish_for: dt.timedelta,
    old_keys_for: dt.timedelta,
) -> str:
    """Add a key that signs from ``now + publish_for``; older keys stop signing then and stay published
    ``old_keys_for`` longer. Returns the new kid."""
    key = ECKey.generate_key("P-256", parameters={"alg": ALGORITHM, "use": "sig"}, private=True)
    kid = key.thumbprint()
    private = {**key.as_dict(private=True), "kid": kid}
    public = {**key.as_dict(private=False), "kid": kid}
    async with connection.transaction():
        await queries.lock_signing_keys(connection)
        signs_from: dt.datetime = await queries.signs_from(connection, publish_for=publish_for)
        await queries.insert_signing_key(
            connection, kid=kid, alg=ALGORITHM, private_jwk=msgspec.json.encode(private).decode(),
            public_jwk=msgspec.json.encode(public).decode(), development=development, signs_from=signs_from,
        )  # fmt: skip
        await queries.retire_keys_before(
            connection, kid=kid, signs_from=signs_from, published_until=signs_from + old_keys_for
        )
    log.info(
        "identity.signing_key_created", kid=kid, signs_from=signs_from.isoformat(), development=development
    )
    return kid


class KeyRing:
    """The published keys of this instance, reloaded at most every ``refresh_seconds``."""

    def __init__(self, pool: asyncpg.Pool, refresh_seconds: float) -> None:
        self.pool = pool
        self.refresh_seconds = refresh_seconds
        self.keys: list[StoredKey] = []
        self.public_keys = KeySet([])
        self.loaded_at = float("-inf")

    async def load(self) -> None:
        async with self.pool.acquire() as connection:
            rows = [row async for row in queries.published_keys(connection)]
        keys = []
        for row in rows:
            private = ECKey.import_key(_decode(row["private_jwk"]))
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
        self.public_keys = KeySet([ECKey.import_key(key.public) for key in keys])
        self.loaded_at = time.monotonic()

    async def refresh_if_stale(self) -> None:
        if time.monotonic() - self.loaded_at >= self.refresh_seconds:
            await self.load()

    def signing_key(self) -> StoredKey:
        now = dt.datetime.now(dt.UTC)
        usable = [key for key in self.keys if key.signs_from <= now]
        if not usable:
            raise LookupError("no signing key is active yet")
        return max(usable, key=lambda key: key.signs_from)

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [key.public for key in self.keys]}
