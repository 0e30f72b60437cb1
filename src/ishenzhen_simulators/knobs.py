"""Per-department knobs for tests and load runs, set at ``PUT /_control/{slug}`` on the loopback port."""

from __future__ import annotations

import math
import random
from typing import Annotated, Literal

import msgspec

__all__ = ["Knobs", "Latency"]

NonNegative = Annotated[float, msgspec.Meta(ge=0, le=3600)]


class Latency(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Added latency before the answer: fixed, uniform between low and high, or log-normal around a median."""

    distribution: Literal["fixed", "uniform", "lognormal"] = "fixed"
    milliseconds: NonNegative = 0.0
    high_milliseconds: NonNegative = 0.0
    sigma: Annotated[float, msgspec.Meta(ge=0, le=5)] = 0.5

    def draw(self, rng: random.Random) -> float:
        """Seconds to wait."""
        if self.distribution == "uniform":
            low, high = sorted((self.milliseconds, self.high_milliseconds))
            return rng.uniform(low, high) / 1000
        if self.distribution == "lognormal" and self.milliseconds > 0:
            return rng.lognormvariate(math.log(self.milliseconds), self.sigma) / 1000
        return self.milliseconds / 1000


class Knobs(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    latency: Latency = Latency()
    # Share of requests answered with ``error_status`` (0..1).
    error_rate: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.0
    error_status: Annotated[int, msgspec.Meta(ge=400, le=599)] = 503
    retry_after: Annotated[int, msgspec.Meta(ge=0, le=86400)] | None = None
    # Down: the connection is closed without an answer, as a crashed back end behind a proxy would.
    down: bool = False
    # Slow: headers only after this many seconds.
    slow_seconds: NonNegative = 0.0
    # Garbage: 200 with a body that is not JSON.
    garbage: bool = False
    # Oversize: the answer's body padded to this many bytes.
    oversize_bytes: Annotated[int, msgspec.Meta(ge=0, le=64 * 1024 * 1024)] = 0
    # Redirect: 302 to this location instead of an answer.
    redirect_to: str | None = None
    # Sign answers with a key the gateway does not know.
    bad_response_signature: bool = False
    # Set this cookie on every answer, as a back end with a session layer might ("name=value; Path=/").
    set_cookie: Annotated[str, msgspec.Meta(max_length=4096)] | None = None
    # Callbacks: each event sent twice; events sent in reverse order; seconds between state changes.
    duplicate_callbacks: bool = False
    out_of_order_callbacks: bool = False
    pace_seconds: NonNegative | None = None
    # Stop moving cases on: they stay in the state the submission left them in.
    callbacks: bool = True
