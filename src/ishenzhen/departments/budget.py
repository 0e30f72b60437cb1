"""A retry budget (Finagle's): retries may add at most ``ratio`` of the first attempts seen in a sliding
window, plus a small floor per second so a quiet department can still be retried."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["RetryBudget"]


class RetryBudget:
    def __init__(
        self,
        *,
        ratio: float = 0.2,
        min_per_second: float = 1.0,
        window: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ratio = ratio
        self.min_per_second = min_per_second
        self.window = window
        self._clock = clock
        self._slots = 10
        self._width = window / self._slots
        self._firsts = [0] * self._slots
        self._retries = [0] * self._slots
        self._epochs = [-1] * self._slots

    def _slot(self) -> int:
        epoch = math.floor(self._clock() / self._width)
        index = epoch % self._slots
        if self._epochs[index] != epoch:
            self._epochs[index] = epoch
            self._firsts[index] = 0
            self._retries[index] = 0
        return index

    def _live(self, counts: list[int]) -> int:
        now_epoch = math.floor(self._clock() / self._width)
        return sum(
            count
            for count, epoch in zip(counts, self._epochs, strict=True)
            if now_epoch - epoch < self._slots
        )

    def record_first(self) -> None:
        self._firsts[self._slot()] += 1

    def try_retry(self) -> bool:
        """Take one retry from the budget; False when retries would exceed the allowance."""
        index = self._slot()
        allowance = self.ratio * self._live(self._firsts) + self.min_per_second * self.window
        if self._live(self._retries) + 1 > allowance:
            return False
        self._retries[index] += 1
        return True
