"""How many applications one account (and one enterprise it acts for) may submit: a fairness limit.

Counted in the process's ``SharedStore`` (Valkey when configured, so every gateway instance spends one budget;
this process's memory otherwise). ``burst`` applications fit in one fixed window of ``burst / rate`` hours,
so the long-run rate is ``rate`` per hour. Only new applications are counted: ``service.submit`` calls the
limit after the Idempotency-Key lookup, so replays of an accepted request and requests refused for bad input
cost nothing. The limit fails open: a Valkey that is down must not stop citizens from applying.
"""

from __future__ import annotations

import math
import time

import structlog
from limits import RateLimitItemPerSecond
from limits.errors import StorageError

from ishenzhen.lib.shared_store import SharedStore

__all__ = ["SubmitLimit", "SubmitLimited"]

log = structlog.get_logger(__name__)


class SubmitLimited(Exception):
    def __init__(self, limit: str, hits: int, window_seconds: int, retry_after: int) -> None:
        super().__init__(
            f"too many applications ({limit}: {hits} per {window_seconds} s): retry after {retry_after} s"
        )
        self.limit = limit
        self.retry_after = retry_after


class SubmitLimit:
    def __init__(self, store: SharedStore, *, rate_per_hour: int, burst: int) -> None:
        self.store = store
        self.hits = burst
        self.window_seconds = max(1, math.ceil(burst * 3600 / rate_per_hour))
        self.item = RateLimitItemPerSecond(burst, self.window_seconds, "applications_submit")

    async def admit(self, account: str, enterprise: str | None) -> None:
        """Count one new application; raise ``SubmitLimited`` (429) when a budget is spent."""
        keys = [("per_account", f"account:{account}")]
        if enterprise is not None:
            keys.append(("per_enterprise", f"enterprise:{enterprise}"))
        for name, key in keys:
            try:
                allowed = await self.store.limiter.hit(self.item, key)
                if allowed:
                    continue
                stats = await self.store.limiter.get_window_stats(self.item, key)
            except StorageError as exc:
                log.warning("submit_limit.store_unavailable", error=str(exc))
                return
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
            raise SubmitLimited(f"applications {name}", self.hits, self.window_seconds, retry_after)
