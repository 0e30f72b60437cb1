"""The inbox: one message per status change, newest first, unread counts, marking read, cursor pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ishenzhen.catalog.model import ServiceItem
from tests.handling.helpers import Client, Headers, apply, person_form
from tests.identity.conftest import L2, L3

Citizen = Callable[..., Awaitable[Headers]]


async def three_messages(client: Client, auth: Headers, item: ServiceItem) -> None:
    for _ in range(3):
        answer = await apply(
            client, auth, {"item_code": item.code, "form": await person_form(client, auth, item.code)}
        )
        assert answer.status_code == 202, answer.text


async def test_pages_unread_and_marking_read(
    client: Client, citizen: Citizen, items: dict[str, ServiceItem]
) -> None:
    auth = await citizen(L2)
    await three_messages(client, auth, items["person"])
    first = (await client.get("/v1/me/messages", params={"limit": 2}, headers=auth)).json()
    assert first["unread"] == 3 and len(first["items"]) == 2 and first["next_cursor"]
    rest = (await client.get("/v1/me/messages", params={"cursor": first["next_cursor"]}, headers=auth)).json()
    ids = [m["id"] for m in first["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3 and rest["next_cursor"] is None

    marked = await client.post("/v1/me/messages/read", json={"ids": [ids[0]]}, headers=auth)
    assert marked.status_code == 200 and marked.json() == {"marked": 1, "unread": 2}
    unread = (await client.get("/v1/me/messages", params={"unread": "true"}, headers=auth)).json()
    assert [m["id"] for m in unread["items"]] == ids[1:]
    everything = await client.post("/v1/me/messages/read", json={"up_to": ids[0]}, headers=auth)
    assert everything.json() == {"marked": 2, "unread": 0}


async def test_someone_elses_messages_are_never_shown_or_marked(
    client: Client, citizen: Citizen, items: dict[str, ServiceItem]
) -> None:
    zhang = await citizen(L2)
    await three_messages(client, zhang, items["person"])
    ids = [m["id"] for m in (await client.get("/v1/me/messages", headers=zhang)).json()["items"]]
    li = await citizen(L3)
    assert (await client.get("/v1/me/messages", headers=li)).json() == {
        "items": [],
        "unread": 0,
        "next_cursor": None,
    }
    marked = await client.post("/v1/me/messages/read", json={"ids": ids, "up_to": max(ids)}, headers=li)
    assert marked.json() == {"marked": 0, "unread": 0}
    assert (await client.get("/v1/me/messages", headers=zhang)).json()["unread"] == 3


async def test_bad_requests_are_4xx(client: Client, citizen: Citizen) -> None:
    auth = await citizen(L2)
    assert (await client.post("/v1/me/messages/read", json={}, headers=auth)).status_code == 422
    assert (await client.post("/v1/me/messages/read", json={"ids": [0]}, headers=auth)).status_code == 422
    assert (
        await client.post("/v1/me/messages/read", json={"ids": list(range(1, 102))}, headers=auth)
    ).status_code == 422
    assert (await client.get("/v1/me/messages", params={"cursor": "%%%"}, headers=auth)).status_code == 400
    assert (await client.get("/v1/me/messages", params={"limit": 0}, headers=auth)).status_code == 400
    assert (await client.get("/v1/me/messages")).status_code == 401
