"""Prometheus metrics at /metrics: requests by route template, and outbox depth read from the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client.parser import text_string_to_metric_families

from ishenzhen.catalog.model import ServiceItem
from tests.handling.helpers import Client, Headers, apply, person_form
from tests.identity.conftest import L2


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_requests_by_route_and_show_the_outbox(
    client: Client, citizen: Callable[..., Awaitable[Headers]], items: dict[str, ServiceItem]
) -> None:
    item = items["person"]
    auth = await citizen(L2)
    answer = await apply(
        client, auth, {"item_code": item.code, "form": await person_form(client, auth, item.code)}
    )
    assert answer.status_code == 202
    await client.get(f"/v1/applications/{answer.json()['id']}", headers=auth)
    scrape = await client.get("/metrics")
    assert scrape.status_code == 200 and scrape.headers["content-type"].startswith("text/plain")
    found = samples(scrape.text)
    route = (("method", "GET"), ("route", "/v1/applications/{application_id}"), ("status", "200"))
    assert found[("ishenzhen_http_requests_total", route)] >= 1
    # No workers in these tests: the record waits, and the gauge says so.
    assert found[("ishenzhen_outbox_pending", (("department", item.department),))] == 1
    assert found[("ishenzhen_outbox_dead", ())] == 0
    assert found[("ishenzhen_applications_submitted_total", (("department", item.department),))] >= 1
    # Raw paths never become labels (one series per application id would grow without end).
    assert answer.json()["id"] not in scrape.text
