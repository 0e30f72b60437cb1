"""The live stream's instrument: open connections, summed over the live worker processes."""

from __future__ import annotations

from prometheus_client import Gauge

__all__ = ["LIVE_STREAMS"]

LIVE_STREAMS = Gauge(
    "ishenzhen_live_streams", "Open GET /v1/me/events connections", multiprocess_mode="livesum"
)
