# ruff: noqa: F811 - the sharing fixtures are imported by name and requested by name
"""An instant-approval item without a hand-written form is decided by its rules, over the HTTP API.

个人所得税综合所得汇算清缴（罗湖区） has no render spec of its own: its form is the default one, which asks the tax
year its rules read because the rule set declares it (label, bounds). The demo citizen opens the form, fills in
what the app did not prefill, submits and gets a decision from the rules, not a clerk.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.handling.instant import InstantDecider
from ishenzhen.sharing import PlatformClient
from ishenzhen_simulators.data_platform.registers import City
from tests.handling.conftest import Client, app_tokens, oauth_client  # noqa: F401
from tests.handling.helpers import submit_and_wait
from tests.identity.conftest import L2
from tests.sharing.conftest import city, knobs, platform  # noqa: F401 - fixtures

ANNUAL_TAX_LUOHU = "040430001000440303"


@pytest.fixture(scope="session")
def items(full_catalogue: Catalog) -> dict[str, ServiceItem]:
    """The one item (the conftest's ``published`` imports whatever this names)."""
    by_code = {item.code: item for item in full_catalogue.items}
    return {"annual_tax": by_code[ANNUAL_TAX_LUOHU]}


@pytest.fixture
async def decider(client: Client, platform: PlatformClient, city: City) -> AsyncIterator[InstantDecider]:
    """The app's decider talks to the in-process platform, on the simulator's today."""
    instant: InstantDecider = client.app.state.instant
    instant.platform = platform
    instant.today = lambda: city.today
    yield instant


def _fields(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for step in form["steps"] for c in step["components"] if "id" in c}


async def test_the_annual_tax_return_on_the_default_form_is_decided_by_its_rules(
    client: Client,
    oauth_client: Any,
    items: dict[str, ServiceItem],
    decider: InstantDecider,
    city: City,
) -> None:
    assert items["annual_tax"].render_spec is None  # the point: the default form
    tokens = await app_tokens(
        client, oauth_client, mobile=L2, scope="openid profile phone applications:submit"
    )
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    answer = await client.get(f"/v1/app/items/{ANNUAL_TAX_LUOHU}/form", headers=auth)
    assert answer.status_code == 200, answer.text
    form = answer.json()
    tax_year = _fields(form)["tax_year"]
    assert tax_year["type"] == "number_input" and tax_year["integer"] and tax_year["required"]
    assert tax_year["label"] == "纳税年度"

    last_year = city.today.year - 1
    answers = {**form["values"], "tax_year": last_year, "promise": True}
    body = {"item_code": ANNUAL_TAX_LUOHU, "item_version": items["annual_tax"].version, "form": answers}
    detail = await submit_and_wait(client, auth, body)

    decision = detail["decision"]
    assert decision["outcome"] in ("approved", "rejected"), decision
    assert detail["status"] == decision["outcome"]
    # The rules read the year as the number the form sent, and say so.
    assert f"纳税年度 {last_year}" in decision["explanations"], decision["explanations"]
