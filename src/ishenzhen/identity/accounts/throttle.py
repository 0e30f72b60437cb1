"""Rate limits and lockouts, counted in the ``SharedStore`` (this process, or Valkey shared by every instance).

Fixed windows from the ``limits`` library: each (limit, key) pair has a counter that expires ``window_seconds``
after its first hit. The previous hand-written PostgreSQL counters cost a write transaction per check; the
store's atomic increment-with-expiry does the same in one round trip to memory or Valkey.

What this module adds over ``limits`` is policy, not mechanism: the ``Throttled`` exception carrying the
seconds to wait, the count a hit reached (lockout is "the hit that filled the window"), and what happens when
Valkey is down. A limit is ``fail_closed`` when letting a request through unlimited would hand out guesses at
secrets (passwords, SMS codes, real-name lookups) or cost money (SMS): those refuse for a few seconds while the
store is unreachable. Limits that only keep one caller from crowding out others (the token endpoint, which
every signed-in app calls to refresh) let requests through and log it, since refusing would sign everyone out.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field

import structlog
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError

from ishenzhen.lib.shared_store import SharedStore

__all__ = ["LIMITS", "STORE_DOWN_RETRY_SECONDS", "Limit", "Throttle", "Throttled"]

log = structlog.get_logger(__name__)

# How long a fail-closed limit asks the caller to wait while the shared store is unreachable.
STORE_DOWN_RETRY_SECONDS = 5


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    hits: int
    window_seconds: int
    fail_closed: bool = True
    item: RateLimitItem = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "item", RateLimitItemPerSecond(self.hits, self.window_seconds, self.name))


class Throttled(Exception):
    def __init__(self, limit: Limit, retry_after: int) -> None:
        super().__init__(f"{limit.name}: retry after {retry_after}s")
        self.limit = limit
        self.retry_after = max(1, retry_after)


# Sign-in failures are counted per (account, client address) and lock only that pair, so an attacker who
# guesses at someone's number from one address cannot lock the owner out of their account from theirs: the
# lockout the issue describes (5 failures from anywhere locking the account for everyone) was a switch anyone
# could flip, about 6 accounts a minute from one address. Brute force from one address still ends after 5
# guesses per 15 minutes and 20 per day (the progressive step). A distributed guesser is stopped by the
# per-account ceiling, which is far above anything an owner mistyping reaches: past it, the password path of
# that number is closed for the hour and only an SMS code signs in (the SMS path has its own limits, per code,
# per number and per address), so even the ceiling never locks the owner out.
LIMITS = {
    "login_address": Limit("login_address", 30, 60),
    "login_pair_failures": Limit("login_pair_failures", 5, 900),
    "login_pair_failures_day": Limit("login_pair_failures_day", 20, 86400),
    "login_account_failures": Limit("login_account_failures", 100, 3600),
    "sms_send_account": Limit("sms_send_account", 1, 60),
    "sms_send_account_hour": Limit("sms_send_account_hour", 5, 3600),
    "sms_send_address": Limit("sms_send_address", 20, 3600),
}


def _retry_after(reset_time: float) -> int:
    return max(1, math.ceil(reset_time - time.time()))


class Throttle:
    """The limits of one process, over its shared store."""

    def __init__(self, store: SharedStore) -> None:
        self.store = store
        self.limiter = store.limiter

    def _store_down(self, limit: Limit, exc: StorageError) -> None:
        log.warning(
            "throttle.store_unavailable", limit=limit.name, fail_closed=limit.fail_closed, error=str(exc)
        )
        if limit.fail_closed:
            raise Throttled(limit, STORE_DOWN_RETRY_SECONDS) from exc

    async def hit(self, limit: Limit, key: str) -> int:
        """Count one attempt; raise ``Throttled`` once the window holds more than the limit. Returns the count
        (0 when the store is down and the limit fails open)."""
        try:
            allowed = await self.limiter.hit(limit.item, key)
            stats = await self.limiter.get_window_stats(limit.item, key)
        except StorageError as exc:
            self._store_down(limit, exc)
            return 0
        if not allowed:
            raise Throttled(limit, _retry_after(stats.reset_time))
        return limit.hits - stats.remaining

    async def hit_all(self, limits: list[tuple[Limit, str]]) -> None:
        """``hit`` for several (limit, key) pairs at once; raise for the first over (with the longest wait)."""
        try:
            allowed = await asyncio.gather(*(self.limiter.hit(limit.item, key) for limit, key in limits))
            over = [(limit, key) for (limit, key), ok in zip(limits, allowed, strict=True) if not ok]
            if not over:
                return
            stats = [await self.limiter.get_window_stats(limit.item, key) for limit, key in over]
        except StorageError as exc:
            for limit, _key in limits:
                self._store_down(limit, exc)
            return
        raise Throttled(over[0][0], max(_retry_after(s.reset_time) for s in stats))

    async def check(self, limit: Limit, key: str) -> None:
        """Raise ``Throttled`` if the window is already full, without counting."""
        try:
            if await self.limiter.test(limit.item, key):
                return
            stats = await self.limiter.get_window_stats(limit.item, key)
        except StorageError as exc:
            self._store_down(limit, exc)
            return
        raise Throttled(limit, _retry_after(stats.reset_time))

    async def clear(self, limit: Limit, key: str) -> None:
        try:
            await self.limiter.clear(limit.item, key)
        except StorageError as exc:
            # Not clearing only means the next failures lock a little sooner; never a reason to refuse.
            log.warning("throttle.store_unavailable", limit=limit.name, fail_closed=False, error=str(exc))
