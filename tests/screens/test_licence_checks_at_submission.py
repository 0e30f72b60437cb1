# ruff: noqa: F811 - the fixtures are imported by name and requested by name
"""E-licence references standing in for materials (免提交) are re-checked with the register at submission."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import asyncpg

from ishenzhen.sharing import AuditKey, verify_log
from ishenzhen.sharing.service import DEVELOPMENT_AUDIT_KEY, licence_reference
from ishenzhen_simulators.data_platform.app import Knobs
from tests.identity.conftest import L2
from tests.screens.test_form_licences import (
    GRADUATE_INTAKE,
    WALLET,
    ZHANG_WEI,
    Client,
    _auth,
    register,  # noqa: F401 - a fixture
    settings,  # noqa: F401 - a fixture
)

SUBMIT = WALLET + " applications:submit"


async def _apply(client: Client, auth: dict[str, str], form: dict[str, object]) -> object:
    item = (await client.get(f"/v1/app/items/{GRADUATE_INTAKE}/form", headers=auth)).json()
    body = {
        "item_code": GRADUATE_INTAKE,
        "item_version": item["item"]["version"] if "item" in item else 1,
        "acting_party": {"kind": "self"},
        "form": form,
    }
    return await client.post(
        "/v1/applications", json=body, headers={**auth, "Idempotency-Key": str(uuid.uuid4())}
    )


async def _applications(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM handling_applications"))


async def test_a_reference_to_someone_elses_licence_is_422_naming_the_field_and_logged(
    client: Client, oauth_client: Callable, register: Knobs, db_pool: asyncpg.Pool
) -> None:
    auth = await _auth(client, oauth_client, L2, SUBMIT)
    others = licence_reference("110101199001011234", "diploma", "DI0000000000")
    mine = licence_reference(ZHANG_WEI, "degree_certificate", "DC0747347620")
    answer = await _apply(client, auth, {"diploma": others, "degree_certificate": mine})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    errors = {e["name"]: e["reason"] for e in answer.json()["errors"]}
    assert list(errors) == ["/form/diploma"] and "no e-licence of yours" in errors["/form/diploma"]
    assert await _applications(db_pool) == 0
    # The check was a data pull like any other: in the citizen's data-access log, and the chain still verifies.
    log = (await client.get("/v1/me/data-access", headers=auth)).json()["entries"]
    assert any(e.get("purpose") == "application_review" and e.get("source") == "e_licence" for e in log), log
    async with db_pool.acquire() as connection:
        result = await verify_log(connection, AuditKey(DEVELOPMENT_AUDIT_KEY))
    assert result.ok and result.entries >= 1


async def test_register_down_at_submission_is_503_with_retry_after_and_stores_nothing(
    client: Client, oauth_client: Callable, register: Knobs, db_pool: asyncpg.Pool
) -> None:
    auth = await _auth(client, oauth_client, L2, SUBMIT)
    register.modes["e_licence"] = "down"
    diploma = licence_reference(ZHANG_WEI, "diploma", "DI3859488700")
    answer = await _apply(client, auth, {"diploma": diploma})
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.headers["Retry-After"] == "60"
    assert await _applications(db_pool) == 0
