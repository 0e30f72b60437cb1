"""The endpoints the benchmark measures: one line each, so later issues add theirs here.

Every endpoint is measured alternately with ``REFERENCE`` in the same run and reported as a ratio to it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ENDPOINTS", "REFERENCE", "Endpoint"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    path: str
    # Extra request headers as (name, value) pairs: a tuple keeps the registry immutable.
    headers: tuple[tuple[str, str], ...] = ()
    # Minimum requests/s relative to the reference, from the issue that added it; None = informational.
    target_ratio: float | None = None


# The cheapest useful litestar handler (a small Struct), mounted by ISHENZHEN_ENABLE_BENCH_ROUTES.
REFERENCE = Endpoint("reference", "/bench/reference")

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("health_live", "/health/live", target_ratio=0.90),  # issue 2
    Endpoint("health_ready", "/health/ready"),  # issue 2: one database round trip, informational
)
