"""The revoked access tokens, held in memory by every instance so a bearer check stays local and O(1).

Revoking writes the token ids (jti) to ``identity_revoked_access_tokens`` and sends NOTIFY
``identity_revocations``; each instance's change feed then calls ``refresh``, which reads what was revoked
since its last read. Transactions commit in any order, so an incremental read looks back ``OVERLAP`` before the
newest revocation it saw, and every ``FULL_RELOAD_SECONDS`` the whole list is read again (which also drops
entries whose tokens have expired, and purges those rows from the database).
"""

from __future__ import annotations

import datetime as dt
import time

import asyncpg
import structlog

from ishenzhen.db.types import Connection
from ishenzhen.identity.oauth._sql import queries

__all__ = ["REVOCATIONS_CHANNEL", "RevocationList"]

log = structlog.get_logger(__name__)

REVOCATIONS_CHANNEL = "identity_revocations"


class RevocationList:
    # A revoking transaction lasts milliseconds; a minute of look-back covers any commit-order skew.
    OVERLAP = dt.timedelta(seconds=60)
    FULL_RELOAD_SECONDS = 60.0

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._expiry_by_jti: dict[str, float] = {}
        self._newest: dt.datetime | None = None
        self._full_at = 0.0  # monotonic time of the last full read; 0: never

    def __len__(self) -> int:
        return len(self._expiry_by_jti)

    def __contains__(self, jti: object) -> bool:
        return jti in self._expiry_by_jti

    def add(self, jti: str, exp: float) -> None:
        """Honour a revocation at once on this instance (the feed brings it to the others)."""
        self._expiry_by_jti[jti] = exp

    async def refresh(self, connection: Connection | None = None) -> None:
        """Read what was revoked since the last read (``connection``: the caller's, when it holds one)."""
        if connection is None:
            async with self.pool.acquire() as acquired:
                await self._refresh(acquired)
        else:
            await self._refresh(connection)

    async def _refresh(self, connection: Connection) -> None:
        full = not self._full_at or time.monotonic() - self._full_at >= self.FULL_RELOAD_SECONDS
        since = None if full or self._newest is None else self._newest - self.OVERLAP
        if full:
            await queries.purge_expired_access_tokens(connection)
        rows = [row async for row in queries.revoked_access_tokens_since(connection, since=since)]
        if since is None:
            self._expiry_by_jti = {row["jti"]: row["exp"] for row in rows}
            self._full_at = time.monotonic()
        else:
            self._expiry_by_jti.update((row["jti"], row["exp"]) for row in rows)
        newest = max((row["revoked_at"] for row in rows), default=None)
        if newest is not None and (self._newest is None or newest > self._newest):
            self._newest = newest
        if full:
            log.debug("identity.revocations_loaded", count=len(self._expiry_by_jti))
