"""Handling's Prometheus instruments. Counters and histograms are multiprocess-safe as prometheus-client makes
them when ``PROMETHEUS_MULTIPROC_DIR`` is set (each granian worker writes its own file; ``/metrics`` adds them
up). Outbox depth and age are read from the database at scrape time instead (``ops``): one truth for all
instances, not a per-process guess."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

__all__ = [
    "CALLBACKS",
    "DELIVERY_ATTEMPTS",
    "DELIVERY_LAG_SECONDS",
    "DELIVERY_SECONDS",
    "INSTANT_DECISIONS",
    "INSTANT_RULES_SECONDS",
    "SUBMISSIONS",
]

SUBMISSIONS = Counter(
    "ishenzhen_applications_submitted", "Applications stored and queued (replays not counted)", ["department"]
)
DELIVERY_ATTEMPTS = Counter(
    "ishenzhen_delivery_attempts",
    "Outbox delivery attempts by department and outcome",
    ["department", "outcome"],
)
DELIVERY_SECONDS = Histogram(
    "ishenzhen_delivery_seconds",
    "Time of one delivery attempt",
    ["department"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DELIVERY_LAG_SECONDS = Histogram(
    "ishenzhen_delivery_lag_seconds",
    "From the outbox record's commit to the department's acknowledgement",
    ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600),
)
CALLBACKS = Counter(
    "ishenzhen_department_callbacks",
    "Department events received, by department and result",
    ["department", "result"],
)
INSTANT_DECISIONS = Counter(
    "ishenzhen_instant_decisions", "Instant-approval decisions recorded, by outcome", ["outcome"]
)
INSTANT_RULES_SECONDS = Histogram(
    "ishenzhen_instant_rules_seconds",
    "CPU time of one rule evaluation (decide), data pulls excluded",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01),
)
