"""Rate limits and lockouts shared by every instance: fixed-window counters in PostgreSQL.

litestar's RateLimitMiddleware counts per process and per path; we need per account and per address across
workers, with lockout on failures, so the counters live in the database (one upsert per check).
"""

from __future__ import annotations

from dataclasses import dataclass

from ishenzhen.db.types import Connection
from ishenzhen.identity.accounts._sql import queries

__all__ = ["LIMITS", "Limit", "Throttled", "check", "clear", "hit", "hit_all"]


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    hits: int
    window_seconds: int


class Throttled(Exception):
    def __init__(self, limit: Limit, retry_after: int) -> None:
        super().__init__(f"{limit.name}: retry after {retry_after}s")
        self.limit = limit
        self.retry_after = max(1, retry_after)


LIMITS = {
    "login_address": Limit("login_address", 30, 60),
    "login_account": Limit("login_account", 10, 60),
    # Consecutive failures per account (existing or not, so lockout says nothing about existence).
    "login_failures": Limit("login_failures", 5, 900),
    "sms_send_account": Limit("sms_send_account", 1, 60),
    "sms_send_account_hour": Limit("sms_send_account_hour", 5, 3600),
    "sms_send_address": Limit("sms_send_address", 20, 3600),
}


async def hit(connection: Connection, limit: Limit, key: str) -> int:
    """Count one attempt; raise ``Throttled`` once the window holds more than the limit. Returns the count."""
    row = await queries.hit_throttle(
        connection, bucket=f"{limit.name}:{key}", window_seconds=limit.window_seconds
    )
    if row["hits"] > limit.hits:
        raise Throttled(limit, row["retry_after"])
    return int(row["hits"])


async def hit_all(connection: Connection, limits: list[tuple[Limit, str]]) -> None:
    """``hit`` for several (limit, key) pairs of one window length, in one round trip; raise for the first over."""
    window = limits[0][0].window_seconds
    assert all(limit.window_seconds == window for limit, _key in limits)
    by_bucket = {f"{limit.name}:{key}": limit for limit, key in limits}
    rows = [
        row async for row in queries.hit_throttles(connection, buckets=list(by_bucket), window_seconds=window)
    ]
    over = [
        (by_bucket[r["bucket"]], r["retry_after"]) for r in rows if r["hits"] > by_bucket[r["bucket"]].hits
    ]
    if over:
        raise Throttled(over[0][0], max(retry for _limit, retry in over))


async def check(connection: Connection, limit: Limit, key: str) -> None:
    """Raise ``Throttled`` if the window is already full, without counting."""
    row = await queries.peek_throttle(
        connection, bucket=f"{limit.name}:{key}", window_seconds=limit.window_seconds
    )
    if row is not None and row["hits"] >= limit.hits:
        raise Throttled(limit, row["retry_after"])


async def clear(connection: Connection, limit: Limit, key: str) -> None:
    await queries.clear_throttle(connection, bucket=f"{limit.name}:{key}")
