"""A circuit breaker per department: opens after consecutive failures, answers at once while open,
half-opens with one trial, and waits longer each time a trial fails."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

__all__ = ["BreakerState", "CircuitBreaker"]

BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Not thread-safe by design: one per department per event loop.

    ``acquire()`` says whether a call may go out now; every acquired call must end in ``record(ok)`` or
    ``release()`` (a call that ended without a verdict, e.g. cancelled), so a half-open trial is never lost.
    """

    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        cool_down: float = 1.0,
        max_cool_down: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.base_cool_down = cool_down
        self.max_cool_down = max_cool_down
        self._clock = clock
        self._failures = 0
        self._opened_at = 0.0
        self._cool_down = cool_down
        self._open = False
        self._trial_out = False

    @property
    def state(self) -> BreakerState:
        if not self._open:
            return "closed"
        return "half_open" if self._clock() - self._opened_at >= self._cool_down else "open"

    def retry_in(self) -> float:
        """Seconds until a trial may go out (0 when closed or half-open)."""
        if not self._open:
            return 0.0
        return max(0.0, self._cool_down - (self._clock() - self._opened_at))

    def acquire(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._trial_out:
            self._trial_out = True
            return True
        return False

    def release(self) -> None:
        self._trial_out = False

    def record(self, ok: bool) -> None:
        was_trial = self._trial_out
        self._trial_out = False
        if ok:
            self._failures = 0
            if self._open and was_trial:
                self._open = False
                self._cool_down = self.base_cool_down
            return
        self._failures += 1
        if self._open and was_trial:
            # The trial failed: stay open, and wait twice as long before the next one.
            self._cool_down = min(self._cool_down * 2, self.max_cool_down)
            self._opened_at = self._clock()
        elif not self._open and self._failures >= self.failure_threshold:
            self._open = True
            self._opened_at = self._clock()
