"""Applying over HTTP: the stored application, its number, idempotency, and every kind of bad input."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest

from ishenzhen.catalog.model import ServiceItem
from ishenzhen.handling.numbering import is_valid_number
from tests.handling.helpers import (
    CREDIT_CODE,
    Client,
    Headers,
    apply,
    enterprise_form,
    person_form,
    upload,
)
from tests.identity.conftest import L2, L3

Items = dict[str, ServiceItem]
Citizen = Callable[..., Awaitable[Headers]]


def subject_of(auth: Headers) -> str:
    payload = auth["Authorization"].split()[1].split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])


async def count(pool: asyncpg.Pool, table: str) -> int:
    async with pool.acquire() as connection:
        return int(await connection.fetchval(f"SELECT count(*) FROM {table}"))  # noqa: S608 - fixed names


async def test_an_application_is_stored_with_its_number_timeline_outbox_and_message(
    client: Client, citizen: Citizen, items: Items, db_pool: asyncpg.Pool
) -> None:
    auth = await citizen(L2)
    item = items["person"]
    form = await person_form(client, auth, item.code)
    answer = await apply(client, auth, {"item_code": item.code, "form": form, "item_version": item.version})
    assert answer.status_code == 202, answer.text
    accepted = answer.json()
    assert accepted["status"] == "submitted"
    assert is_valid_number(accepted["number"])
    assert answer.headers["location"] == f"/v1/applications/{accepted['id']}"

    detail = await client.get(answer.headers["location"], headers=auth)
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert (body["number"], body["item_code"], body["item_name"]) == (
        accepted["number"],
        item.code,
        item.name,
    )
    assert body["form"] == form
    assert body["acting_party"] == {"kind": "self", "credit_code": None}
    assert body["spec_version"] == "1.0"
    assert [(t["status"], t["actor"]) for t in body["timeline"]] == [("submitted", "applicant")]

    async with db_pool.acquire() as connection:
        outbox = await connection.fetchrow("SELECT kind, department, path, body, state FROM handling_outbox")
    assert (outbox["kind"], outbox["department"], outbox["path"], outbox["state"]) == (
        "submission",
        item.department,
        "/applications",
        "pending",
    )
    sent = json.loads(outbox["body"])
    assert sent["number"] == accepted["number"] and sent["form"] == form
    assert sent["applicant"] == {
        "subject": subject_of(auth),
        "level": "L2",
        "name": "张伟",
        "id_number": "440303198503120017",
    }
    assert sent["acting_party"] == {"kind": "self", "credit_code": None}
    assert len(sent["materials"]) == sum(1 for v in form.values() if isinstance(v, list))

    inbox = await client.get("/v1/me/messages", headers=auth)
    assert inbox.status_code == 200, inbox.text
    [message] = inbox.json()["items"]
    assert message["status"] == "submitted" and accepted["number"] in message["body"]
    assert inbox.json()["unread"] == 1


async def test_the_same_key_and_body_returns_the_stored_answer_and_nothing_new(
    client: Client, citizen: Citizen, items: Items, db_pool: asyncpg.Pool
) -> None:
    auth = await citizen(L2)
    body = {"item_code": items["person"].code, "form": await person_form(client, auth, items["person"].code)}
    first = await apply(client, auth, body, key="key-1")
    again = await apply(client, auth, body, key="key-1")
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert await count(db_pool, "handling_applications") == 1
    changed = await apply(client, auth, {**body, "form": {**body["form"], "promise": False}}, key="key-1")
    assert changed.status_code == 422
    assert changed.json()["errors"][0]["name"] == "Idempotency-Key"
    assert await count(db_pool, "handling_applications") == 1


async def test_keys_are_scoped_per_subject(client: Client, citizen: Citizen, items: Items) -> None:
    item = items["person"]
    zhang = await citizen(L2)
    first = await apply(
        client, zhang, {"item_code": item.code, "form": await person_form(client, zhang, item.code)}, "shared"
    )
    li = await citizen(L3)
    second = await apply(
        client, li, {"item_code": item.code, "form": await person_form(client, li, item.code, L3)}, "shared"
    )
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] != second.json()["id"]


async def test_a_request_while_the_first_with_its_key_runs_is_409(
    client: Client, citizen: Citizen, items: Items, db_pool: asyncpg.Pool
) -> None:
    auth = await citizen(L2)
    body = {"item_code": items["person"].code, "form": await person_form(client, auth, items["person"].code)}
    async with db_pool.acquire() as connection, connection.transaction():
        # Stand in for the first request: it holds the key's lock until it commits.
        await connection.execute(
            "SELECT pg_advisory_xact_lock(7010, hashtext($1 || ' ' || $2 || ' ' || $3))",
            "ishenzhen-app",
            subject_of(auth),
            "busy-key",
        )
        answer = await apply(client, auth, body, key="busy-key")
    assert answer.status_code == 409, answer.text
    assert answer.json()["type"] == "urn:ishenzhen:problem:idempotency-key-in-flight"
    assert (await apply(client, auth, body, key="busy-key")).status_code == 202


async def test_a_missing_or_malformed_key_is_400(client: Client, citizen: Citizen, items: Items) -> None:
    auth = await citizen(L2)
    body = {"item_code": items["person"].code, "form": {}}
    missing = await client.post("/v1/applications", json=body, headers=auth)
    assert missing.status_code == 400 and missing.json()["errors"][0]["name"] == "Idempotency-Key"
    spaced = await apply(client, auth, body, key="has space")
    assert spaced.status_code == 400


@pytest.mark.parametrize(
    ("pick", "pointer", "words"),
    [
        ("unknown", "/item_code", "no published service item"),
        ("withdrawn", "/item_code", "no published service item"),
        ("offline", "/item_code", "not handled online"),
        ("enterprise", "/acting_party/kind", "enterprises"),
    ],
)
async def test_items_that_cannot_be_applied_for_here_are_422_and_store_nothing(
    client: Client, citizen: Citizen, items: Items, db_pool: asyncpg.Pool, pick: str, pointer: str, words: str
) -> None:
    auth = await citizen(L2)
    code = "999999999999999999" if pick == "unknown" else items[pick].code
    answer = await apply(client, auth, {"item_code": code, "form": {"promise": True}})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    [error] = answer.json()["errors"]
    assert error["name"] == pointer and words in error["reason"]
    assert await count(db_pool, "handling_applications") == await count(db_pool, "handling_outbox") == 0


async def test_form_errors_are_named_by_pointers_under_form(
    client: Client, citizen: Citizen, items: Items
) -> None:
    auth = await citizen(L2)
    answer = await apply(client, auth, {"item_code": items["person"].code, "form": {"contact_mobile": "123"}})
    assert answer.status_code == 422
    names = {e["name"] for e in answer.json()["errors"]}
    assert {"/form/applicant_name", "/form/contact_mobile", "/form/promise"} <= names


async def test_an_item_needing_a_higher_level_is_403_naming_the_level(
    client: Client, citizen: Citizen, items: Items
) -> None:
    item = items["licence"]
    low = await citizen(L2)
    answer = await apply(
        client, low, {"item_code": item.code, "form": await person_form(client, low, item.code)}
    )
    assert answer.status_code == 403, answer.text
    assert "L3" in answer.json()["detail"] and "acr_values=L3" in answer.json()["detail"]
    high = await citizen(L3)
    answer = await apply(
        client, high, {"item_code": item.code, "form": await person_form(client, high, item.code, L3)}
    )
    assert answer.status_code == 202, answer.text


async def test_a_form_rendered_for_an_older_item_version_is_409(
    client: Client, citizen: Citizen, items: Items
) -> None:
    auth = await citizen(L2)
    item = items["person"]
    body = {
        "item_code": item.code,
        "form": await person_form(client, auth, item.code),
        "item_version": item.version + 1,
    }
    assert (await apply(client, auth, body)).status_code == 409


async def test_another_users_upload_reads_as_missing(client: Client, citizen: Citizen, items: Items) -> None:
    li = await citizen(L3)
    hers = await upload(client, li)
    zhang = await citizen(L2)
    item = items["person"]
    body = {"item_code": item.code, "form": await person_form(client, zhang, item.code), "materials": [hers]}
    answer = await apply(client, zhang, body)
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"location": "body", "name": "/materials/0", "reason": "no such upload of yours (or it expired)"}
    ]


async def test_server_owned_fields_cannot_be_set(client: Client, citizen: Citizen, items: Items) -> None:
    auth = await citizen(L2)
    item = items["person"]
    body = {
        "item_code": item.code,
        "form": await person_form(client, auth, item.code),
        "status": "approved",
        "number": "SZ00000000000000000",
        "applicant": "someone",
    }
    answer = await apply(client, auth, body)
    assert answer.status_code == 202 and answer.json()["status"] == "submitted"


async def test_an_agent_applies_for_the_enterprise_and_its_people_follow_it(
    client: Client, citizen: Citizen, items: Items, db_pool: asyncpg.Pool
) -> None:
    item = items["enterprise"]
    agent = await citizen(L2, party=CREDIT_CODE)
    body = {
        "item_code": item.code,
        "acting_party": {"kind": "enterprise", "credit_code": CREDIT_CODE},
        "form": await enterprise_form(client, agent, item.code, L2),
    }
    answer = await apply(client, agent, body)
    assert answer.status_code == 202, answer.text
    application = answer.json()["id"]
    # The legal representative sees it, and got the message too.
    boss = await citizen(L3)
    listed = await client.get("/v1/applications", headers=boss)
    assert [a["id"] for a in listed.json()["items"]] == [application]
    assert (await client.get("/v1/me/messages", headers=boss)).json()["unread"] == 1
    # Once the agent's grant has ended, the agent no longer sees the enterprise's applications.
    async with db_pool.acquire() as connection:
        await connection.execute(
            "UPDATE identity_enterprise_roles SET expires_at = now() - interval '1 second' WHERE role = 'agent'"
        )
    assert (await client.get(f"/v1/applications/{application}", headers=agent)).status_code == 404
    assert (await client.get("/v1/applications", headers=agent)).json()["items"] == []


async def test_acting_for_an_enterprise_the_token_does_not_act_for_is_403(
    client: Client, citizen: Citizen, items: Items
) -> None:
    item = items["enterprise"]
    auth = await citizen(L3)  # signed in for themself
    body = {
        "item_code": item.code,
        "acting_party": {"kind": "enterprise", "credit_code": CREDIT_CODE},
        "form": await enterprise_form(client, auth, item.code),
    }
    assert (await apply(client, auth, body)).status_code == 403


async def test_someone_elses_application_is_404_like_a_missing_one(
    client: Client, citizen: Citizen, items: Items
) -> None:
    zhang = await citizen(L2)
    item = items["person"]
    mine = (
        await apply(
            client, zhang, {"item_code": item.code, "form": await person_form(client, zhang, item.code)}
        )
    ).json()
    li = await citizen(L3)
    theirs = await client.get(f"/v1/applications/{mine['id']}", headers=li)
    missing = await client.get(f"/v1/applications/{uuid.uuid4()}", headers=li)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"] == missing.json()["detail"]
    assert (
        await client.post(f"/v1/applications/{mine['id']}/withdraw", json={}, headers=li)
    ).status_code == 404


async def test_lists_filter_and_page_with_cursors(client: Client, citizen: Citizen, items: Items) -> None:
    auth = await citizen(L2)
    made: list[Any] = []
    for key in ("person", "person_other_department", "person"):
        item = items[key]
        answer = await apply(
            client, auth, {"item_code": item.code, "form": await person_form(client, auth, item.code)}
        )
        assert answer.status_code == 202, answer.text
        made.append(answer.json()["id"])
    first = await client.get("/v1/applications", params={"limit": 2}, headers=auth)
    page = first.json()
    assert [a["id"] for a in page["items"]] == made[::-1][:2] and page["next_cursor"]
    rest = (
        await client.get("/v1/applications", params={"limit": 2, "cursor": page["next_cursor"]}, headers=auth)
    ).json()
    assert [a["id"] for a in rest["items"]] == [made[0]] and rest["next_cursor"] is None
    only = await client.get(
        "/v1/applications", params={"item_code": items["person_other_department"].code}, headers=auth
    )
    assert [a["id"] for a in only.json()["items"]] == [made[1]]
    none = await client.get("/v1/applications", params={"status": "approved"}, headers=auth)
    assert none.json()["items"] == []
    bad = await client.get("/v1/applications", params={"cursor": "nonsense"}, headers=auth)
    assert bad.status_code == 400 and bad.json()["errors"][0]["name"] == "cursor"
    bad_status = await client.get("/v1/applications", params={"status": "lost"}, headers=auth)
    assert bad_status.status_code == 400


async def test_withdrawing_tells_the_department_and_cannot_happen_twice(
    client: Client, citizen: Citizen, items: Items, db_pool: asyncpg.Pool
) -> None:
    auth = await citizen(L2)
    item = items["person"]
    made = (
        await apply(
            client, auth, {"item_code": item.code, "form": await person_form(client, auth, item.code)}
        )
    ).json()
    answer = await client.post(
        f"/v1/applications/{made['id']}/withdraw", json={"reason": "填错了"}, headers=auth
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "withdrawn"
    assert [(t["status"], t["message"]) for t in answer.json()["timeline"]][-1] == ("withdrawn", "填错了")
    async with db_pool.acquire() as connection:
        kinds = [r["kind"] for r in await connection.fetch("SELECT kind FROM handling_outbox ORDER BY id")]
    assert kinds == ["submission", "withdrawal"]
    again = await client.post(f"/v1/applications/{made['id']}/withdraw", json={}, headers=auth)
    assert again.status_code == 409 and "final" in again.json()["detail"]


async def test_a_citizen_without_the_applying_scope_is_403(
    client: Client, items: Items, oauth_client: Any
) -> None:
    from tests.identity.conftest import app_tokens

    tokens = await app_tokens(client, oauth_client, mobile=L2, scope="openid profile")
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    answer = await apply(client, auth, {"item_code": items["person"].code, "form": {}})
    assert answer.status_code == 403 and "applications:submit" in answer.json()["detail"]
    assert (await client.post("/v1/applications", json={})).status_code == 401
