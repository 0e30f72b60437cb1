"""Department callbacks: own applications only, idempotent by event id, applied in sequence order."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from ishenzhen.catalog.model import ServiceItem
from tests.handling.helpers import Client, Headers, apply, person_form, upload
from tests.identity.conftest import L2

Items = dict[str, ServiceItem]
Citizen = Callable[..., Awaitable[Headers]]
Department = Callable[[str], Awaitable[Headers]]


async def submitted(client: Client, citizen: Citizen, item: ServiceItem) -> tuple[Headers, dict[str, Any]]:
    auth = await citizen(L2)
    answer = await apply(
        client, auth, {"item_code": item.code, "form": await person_form(client, auth, item.code)}
    )
    assert answer.status_code == 202, answer.text
    return auth, answer.json()


def event(sequence: int, status: str, message: str = "已受理", **extra: Any) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "sequence": sequence,
        "status": status,
        "message": message,
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
        **extra,
    }


async def send(client: Client, dept: Headers, number: str, body: dict[str, Any]) -> Any:
    return await client.post(f"/v1/department/applications/{number}/events", json=body, headers=dept)


async def test_events_move_the_application_and_reach_the_citizen(
    client: Client, citizen: Citizen, department: Department, items: Items
) -> None:
    item = items["person"]
    auth, made = await submitted(client, citizen, item)
    dept = await department(item.department)
    first = await send(client, dept, made["number"], event(1, "accepted", receipt_number="DA-2026-0001"))
    assert first.status_code == 202, first.text
    assert first.json()["outcome"] == "applied" and first.json()["status"] == "accepted"
    await send(client, dept, made["number"], event(2, "in_review", "材料审查中"))
    done = await send(client, dept, made["number"], event(3, "approved", "准予许可", data={"licence": "L-1"}))
    assert done.json()["status"] == "approved"
    detail = (await client.get(f"/v1/applications/{made['id']}", headers=auth)).json()
    assert detail["receipt_number"] == "DA-2026-0001"
    assert [(t["status"], t["actor"]) for t in detail["timeline"]] == [
        ("submitted", "applicant"),
        ("accepted", "department"),
        ("in_review", "department"),
        ("approved", "department"),
    ]
    assert detail["timeline"][-1]["actor_id"] == item.department
    inbox = (await client.get("/v1/me/messages", headers=auth)).json()
    assert [m["status"] for m in inbox["items"]] == ["approved", "in_review", "accepted", "submitted"]
    assert "准予许可" in inbox["items"][0]["body"]


async def test_a_replayed_event_gets_the_same_answer_and_changes_nothing(
    client: Client, citizen: Citizen, department: Department, items: Items, db_pool: asyncpg.Pool
) -> None:
    item = items["person"]
    _auth, made = await submitted(client, citizen, item)
    dept = await department(item.department)
    body = event(1, "accepted")
    first = await send(client, dept, made["number"], body)
    again = await send(client, dept, made["number"], body)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == first.json()
    async with db_pool.acquire() as connection:
        assert await connection.fetchval("SELECT count(*) FROM handling_timeline") == 2
    reused = await send(client, dept, made["number"], {**body, "message": "另一件事"})
    assert reused.status_code == 409
    taken = await send(client, dept, made["number"], event(1, "in_review"))
    assert taken.status_code == 409 and "sequence 1" in taken.json()["detail"]


async def test_events_arriving_out_of_order_are_applied_by_sequence(
    client: Client, citizen: Citizen, department: Department, items: Items
) -> None:
    item = items["person"]
    auth, made = await submitted(client, citizen, item)
    dept = await department(item.department)
    third = await send(client, dept, made["number"], event(3, "approved", "准予许可"))
    assert third.status_code == 202 and third.json()["outcome"] == "waiting"
    assert third.json()["status"] == "submitted" and third.json()["applied_sequence"] == 0
    second = await send(client, dept, made["number"], event(2, "in_review"))
    assert second.json()["outcome"] == "waiting"
    first = await send(client, dept, made["number"], event(1, "accepted"))
    assert first.json() | {"event_id": None} == {
        "event_id": None,
        "outcome": "applied",
        "status": "approved",
        "applied_sequence": 3,
    }
    detail = (await client.get(f"/v1/applications/{made['id']}", headers=auth)).json()
    assert [t["status"] for t in detail["timeline"]] == ["submitted", "accepted", "in_review", "approved"]


async def test_an_illegal_move_is_409_and_nothing_is_written(
    client: Client, citizen: Citizen, department: Department, items: Items, db_pool: asyncpg.Pool
) -> None:
    item = items["person"]
    _auth, made = await submitted(client, citizen, item)
    dept = await department(item.department)
    answer = await send(client, dept, made["number"], event(1, "completed", "办结"))
    assert answer.status_code == 409, answer.text
    assert "submitted to completed" in answer.json()["detail"]
    async with db_pool.acquire() as connection:
        assert await connection.fetchval("SELECT count(*) FROM handling_department_events") == 0
        assert await connection.fetchval("SELECT status FROM handling_applications") == "submitted"


async def test_a_department_touches_only_its_own_applications(
    client: Client, citizen: Citizen, department: Department, items: Items
) -> None:
    item = items["person"]
    auth, made = await submitted(client, citizen, item)
    other = await department(items["person_other_department"].department)
    answer = await send(client, other, made["number"], event(1, "accepted"))
    missing = await send(client, other, "SZ2026010100000001" + "0", event(1, "accepted"))
    assert answer.status_code == 404
    assert missing.status_code in (400, 404)
    # A citizen's token has no business here.
    assert (await send(client, auth, made["number"], event(1, "accepted"))).status_code == 403
    bad = await send(client, other, "SZ123", event(1, "accepted"))
    assert bad.status_code == 400 and bad.json()["errors"][0]["name"] == "number"


async def test_malformed_events_are_422_naming_the_field(
    client: Client, citizen: Citizen, department: Department, items: Items
) -> None:
    item = items["person"]
    _auth, made = await submitted(client, citizen, item)
    dept = await department(item.department)
    answer = await send(client, dept, made["number"], {**event(0, "granted"), "message": ""})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_supplements_only_when_asked_then_back_in_review(
    client: Client, citizen: Citizen, department: Department, items: Items, db_pool: asyncpg.Pool
) -> None:
    item = items["person"]
    auth, made = await submitted(client, citizen, item)
    extra = await upload(client, auth, name="补充材料.png")
    url = f"/v1/applications/{made['id']}/supplements"
    early = await client.post(url, json={"materials": [extra]}, headers=auth)
    assert early.status_code == 409
    dept = await department(item.department)
    await send(client, dept, made["number"], event(1, "more_material_needed", "请补充户口簿首页"))
    answer = await client.post(url, json={"materials": [extra], "note": "已补充"}, headers=auth)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "in_review" and extra in [m["id"] for m in body["materials"]]
    async with db_pool.acquire() as connection:
        kinds = [r["kind"] for r in await connection.fetch("SELECT kind FROM handling_outbox ORDER BY id")]
    assert kinds == ["submission", "supplements"]
    # The department reads the material of its own application, and no other department can.
    content = await client.get(f"/v1/department/materials/{extra}", headers=dept)
    assert content.status_code == 200 and content.headers["content-type"] == "image/png"
    other = await department(items["person_other_department"].department)
    assert (await client.get(f"/v1/department/materials/{extra}", headers=other)).status_code == 404
