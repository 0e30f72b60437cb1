"""Prometheus metrics: requests by route and status for the whole app, and the scrape at ``/metrics``.

Multiprocess-safe: with ``PROMETHEUS_MULTIPROC_DIR`` set (``serve`` sets it for several granian workers),
every worker writes its counters to files there and a scrape of any worker adds them all up
(prometheus-client's ``MultiProcessCollector``). Figures that are one truth for all instances, outbox depth
and age and the dead-letter count, are read from the database at scrape time, not counted per process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator

import asyncpg
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

from ishenzhen.handling.service import outbox_depth

__all__ = ["CONTENT_TYPE", "RequestMetrics", "render"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
REQUESTS = Counter(
    "ishenzhen_http_requests",
    "HTTP requests by route template, method and status",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "ishenzhen_http_request_seconds",
    "HTTP request duration by route template",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)


class RequestMetrics:
    """ASGI wrapper: one count and one duration per HTTP request, labelled by litestar's route template
    (never the raw path, which would make one series per application id). Live streams are counted when they
    end, their duration being the connection's."""

    # Series children by (route, method, status): ``labels()`` takes a lock and builds its key on every call,
    # about 1.5 µs of each request. The routes are templates, but a client can send any method: past this
    # many series the children are looked up as before rather than kept.
    MAX_KEPT_SERIES = 512

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            # Answers from the shared response cache never reach the router: they have no template.
            route = scope.get("path_template") or "(not routed)"
            key = (route, str(scope.get("method", "")), status)
            series = self._series.get(key)
            if series is None:
                series = (REQUESTS.labels(key[0], key[1], str(status)), REQUEST_SECONDS.labels(route))
                if len(self._series) < self.MAX_KEPT_SERIES:
                    self._series[key] = series
            series[0].inc()
            series[1].observe(time.perf_counter() - started)


class _Snapshot(Collector):
    def __init__(self, metrics: Iterable[Metric]) -> None:
        self.metrics = list(metrics)

    def collect(self) -> Iterator[Metric]:
        return iter(self.metrics)


async def _database_metrics(pool: asyncpg.Pool) -> list[Metric]:
    rows, dead = await outbox_depth(pool)
    depth = GaugeMetricFamily(
        "ishenzhen_outbox_pending", "Outbox records waiting for delivery", labels=["department"]
    )
    age = GaugeMetricFamily(
        "ishenzhen_outbox_oldest_seconds", "Age of the oldest pending outbox record", labels=["department"]
    )
    for department, pending, oldest in rows:
        depth.add_metric([department], pending)
        age.add_metric([department], oldest)
    letters = GaugeMetricFamily(
        "ishenzhen_outbox_dead", "Outbox records parked as dead (see /v1/ops/dead-letters)"
    )
    letters.add_metric([], dead)
    return [depth, age, letters]


async def render(pool: asyncpg.Pool) -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        process = generate_latest(registry)
    else:
        process = generate_latest(REGISTRY)
    shared = CollectorRegistry()
    shared.register(_Snapshot(await _database_metrics(pool)))
    return process + generate_latest(shared)
