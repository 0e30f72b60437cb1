"""Forms prefilled from the e-licence wallet: a material a valid licence replaces is not asked for (免提交)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import asyncpg
import httpx
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.importer import import_catalog
from ishenzhen.catalog.model import Catalog
from ishenzhen.settings import Settings, load_settings
from ishenzhen.sharing import PlatformClient
from ishenzhen.sharing.service import licence_reference
from ishenzhen_simulators.data_platform.app import DEV_CLIENT_ID, DEV_CLIENT_SECRET, Knobs, create_app
from ishenzhen_simulators.data_platform.registers import City
from tests.identity.conftest import ISSUER, L2, L3, app_tokens
from tests.screens.test_items import components

Client = AsyncTestClient[Litestar]
GRADUATE_INTAKE = "070120001000440300"  # asks for a diploma and a degree certificate
ZHANG_WEI = "440303198503120017"  # holds both, valid (the seeded register)
WALLET = "openid profile phone licences"


@pytest.fixture
async def settings(database_url: str, full_catalogue: Catalog) -> Settings:
    connection = await asyncpg.connect(database_url)
    try:
        item = next(i for i in full_catalogue.items if i.code == GRADUATE_INTAKE)
        await import_catalog(connection, msgspec.structs.replace(full_catalogue, items=[item]))
    finally:
        await connection.close()
    return load_settings(
        {},
        database_url=database_url,
        log_format="json",
        log_level="warning",
        identity_issuer=ISSUER,
        identity_key_refresh_seconds=0,
    )


@pytest.fixture
async def register(client: Client) -> AsyncIterator[Knobs]:
    knobs = Knobs()
    transport = httpx.ASGITransport(app=create_app(City(2026), {DEV_CLIENT_ID: DEV_CLIENT_SECRET}, knobs))
    platform = PlatformClient(
        "http://platform.test", DEV_CLIENT_ID, DEV_CLIENT_SECRET, timeout=0.3, transport=transport
    )
    client.app.state.platform = platform
    try:
        yield knobs
    finally:
        await platform.aclose()


async def _auth(client: Client, oauth_client: Callable, mobile: str, scope: str) -> dict[str, str]:
    client.cookies.clear()  # a fresh browser for each account
    tokens = await app_tokens(client, oauth_client, mobile=mobile, scope=scope)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_valid_licences_stand_in_for_the_materials_and_the_form_validates(
    client: Client, oauth_client: Callable, register: Knobs
) -> None:
    auth = await _auth(client, oauth_client, L2, WALLET)
    url = f"/v1/app/items/{GRADUATE_INTAKE}/form"
    form = (await client.get(url, headers=auth)).json()
    diploma = licence_reference(ZHANG_WEI, "diploma", "DI3859488700")
    degree = licence_reference(ZHANG_WEI, "degree_certificate", "DC0747347620")
    assert form["values"]["diploma"] == diploma and form["values"]["degree_certificate"] == degree
    assert form["stood_in"] == {
        "diploma": {
            "licence_type": "diploma",
            "licence_name": "学历证书",
            "number": "DI3859488700",
            "reference": diploma,
        },
        "degree_certificate": {
            "licence_type": "degree_certificate",
            "licence_name": "学位证书",
            "number": "DC0747347620",
            "reference": degree,
        },
    }
    pickers = {c["id"]: c for c in components(form) if c["type"] == "e_licence"}
    assert pickers["diploma"]["prefill"] == {
        "source": "e_licence",
        "path": "reference",
        "licence_type": "diploma",
        "locked": True,
    }
    assert "免提交" in pickers["diploma"]["help"] and "DI3859488700" in pickers["diploma"]["help"]
    # The materials the licences stand in for pass the form check with nothing uploaded.
    check = await client.post(f"{url}/validate", json=form["values"])
    problems = {error["name"] for error in check.json().get("errors", [])}
    assert not problems & {"/diploma", "/degree_certificate"}, check.text
    # Opening the form read the register: the citizen sees that pull, for this item, as prefill.
    log = (await client.get("/v1/me/data-access", headers=auth)).json()["entries"][0]
    assert (log["source"], log["purpose"], log["citizen_action"], log["item_code"]) == (
        "e_licence",
        "prefill",
        "open_form",
        GRADUATE_INTAKE,
    )
    english = (await client.get(url, headers={**auth, "Accept-Language": "en"})).json()
    assert "nothing to submit" in {c.get("id"): c for c in components(english)}["diploma"]["help"]


async def test_without_the_licences_scope_the_wallet_is_not_read(
    client: Client, oauth_client: Callable, register: Knobs
) -> None:
    auth = await _auth(client, oauth_client, L2, "openid profile phone")
    url = f"/v1/app/items/{GRADUATE_INTAKE}/form"
    form = (await client.get(url, headers=auth)).json()
    assert form["stood_in"] == {} and "diploma" not in form["values"]
    assert form["steps"] == (await client.get(url)).json()["steps"]
    assert (await client.get("/v1/me/data-access", headers=auth)).json()["entries"] == []


async def test_no_valid_licence_means_the_material_is_asked_for(
    client: Client, oauth_client: Callable, register: Knobs
) -> None:
    # 李娜 holds no diploma or degree in the register.
    auth = await _auth(client, oauth_client, L3, WALLET)
    form = (await client.get(f"/v1/app/items/{GRADUATE_INTAKE}/form", headers=auth)).json()
    assert form["stood_in"] == {} and form["values"]["name"] == "李娜"
    pickers = [c for c in components(form) if c["type"] == "e_licence"]
    assert pickers and all("prefill" not in c for c in pickers)


async def test_a_register_that_is_down_asks_for_everything_and_still_logs(
    client: Client, oauth_client: Callable, register: Knobs
) -> None:
    register.modes["e_licence"] = "down"
    auth = await _auth(client, oauth_client, L2, WALLET)
    answer = await client.get(f"/v1/app/items/{GRADUATE_INTAKE}/form", headers=auth)
    assert answer.status_code == 200 and answer.json()["stood_in"] == {}
    log = (await client.get("/v1/me/data-access", headers=auth)).json()["entries"][0]
    assert (log["purpose"], log["outcome"]) == ("prefill", "unavailable")
