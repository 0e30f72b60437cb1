"""The live stream over raw ASGI (the test client buffers whole responses; a stream never ends): events from
another instance within a second, resuming with Last-Event-ID, heartbeats, and the per-account bound."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from litestar import Litestar

from ishenzhen.app import create_app
from ishenzhen.catalog.model import ServiceItem
from ishenzhen.settings import Settings, replace_settings
from tests.handling.helpers import Client, Headers, apply, person_form
from tests.identity.conftest import L2

Citizen = Callable[..., Awaitable[Headers]]
WITHIN_S = 1.0


class Stream:
    """One GET /v1/me/events on an app, read event by event; ``close()`` is the phone going away."""

    def __init__(
        self,
        app: Litestar,
        auth: Headers,
        last_event_id: str | None = None,
        accept_language: str | None = None,
    ) -> None:
        headers = [(b"authorization", auth["Authorization"].encode()), (b"host", b"testserver.local")]
        if last_event_id is not None:
            headers.append((b"last-event-id", last_event_id.encode()))
        if accept_language is not None:
            headers.append((b"accept-language", accept_language.encode()))
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "https",
            "path": "/v1/me/events",
            "raw_path": b"/v1/me/events",
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver.local", 443),
            "state": {},
        }
        self.app = app
        self.status: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self._gone = asyncio.Event()
        self._sent_request = False
        self._buffer = b""
        self.task = asyncio.create_task(app(self.scope, self._receive, self._send))  # type: ignore[arg-type]

    async def _receive(self) -> dict[str, Any]:
        if not self._sent_request:
            self._sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status.set_result(message["status"])
        elif message["type"] == "http.response.body":
            self.chunks.put_nowait(message.get("body", b""))

    async def next_block(self, within: float = WITHIN_S) -> dict[str, str]:
        """The next event block (fields by name; a comment under ``comment``)."""
        async with asyncio.timeout(within):
            while b"\r\n\r\n" not in self._buffer and b"\n\n" not in self._buffer:
                self._buffer += await self.chunks.get()
        separator = b"\r\n\r\n" if b"\r\n\r\n" in self._buffer else b"\n\n"
        block, self._buffer = self._buffer.split(separator, 1)
        fields: dict[str, str] = {}
        for line in block.decode().splitlines():
            name, _, value = line.partition(":")
            fields["comment" if name == "" else name] = value.strip()
        return fields

    async def next_message(self, within: float = WITHIN_S) -> dict[str, str]:
        deadline = asyncio.get_running_loop().time() + within
        while True:
            block = await self.next_block(max(0.01, deadline - asyncio.get_running_loop().time()))
            if block.get("event") == "message":
                return block

    async def close(self) -> None:
        self._gone.set()
        with contextlib.suppress(asyncio.CancelledError):
            async with asyncio.timeout(2):
                await self.task


@pytest.fixture
async def second_instance(settings: Settings) -> AsyncIterator[Litestar]:
    # The fallback poll is far away: only NOTIFY can bring the event within the second.
    app = create_app(replace_settings(settings, change_poll_seconds=600, notifications_heartbeat_seconds=0.3))
    # Its lifespan runs on this test's loop (the test client would run it on a loop of its own, where this
    # test's raw ASGI calls could not use its pool).
    inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    task = asyncio.create_task(app(scope, inbox.get, outbox.put))  # type: ignore[arg-type]
    await inbox.put({"type": "lifespan.startup"})
    started = await asyncio.wait_for(outbox.get(), 30)
    assert started["type"] == "lifespan.startup.complete", started
    try:
        yield app
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(outbox.get(), 30)
        await task


def event(sequence: int, status: str) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "sequence": sequence,
        "status": status,
        "message": "已受理",
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
    }


async def test_a_change_on_one_instance_reaches_a_stream_on_another_within_a_second(
    client: Client,
    second_instance: Litestar,
    citizen: Citizen,
    department: Any,
    items: dict[str, ServiceItem],
) -> None:
    auth = await citizen(L2)
    item = items["person"]
    stream = Stream(second_instance, auth)
    try:
        assert await asyncio.wait_for(stream.status, WITHIN_S) == 200
        opened = await stream.next_block()
        assert opened["comment"] == "stream open" and opened["retry"] == "3000"
        made = (
            await apply(
                client, auth, {"item_code": item.code, "form": await person_form(client, auth, item.code)}
            )
        ).json()
        submitted = await stream.next_message()
        assert json.loads(submitted["data"])["status"] == "submitted"
        dept = await department(item.department)
        answer = await client.post(
            f"/v1/department/applications/{made['number']}/events", json=event(1, "accepted"), headers=dept
        )
        assert answer.status_code == 202
        accepted = await stream.next_message()
        body = json.loads(accepted["data"])
        assert body["status"] == "accepted" and body["application_id"] == made["id"]
        assert int(accepted["id"]) == body["id"] > int(submitted["id"])
    finally:
        await stream.close()


async def test_a_reconnecting_app_gets_what_it_missed_first(
    client: Client, second_instance: Litestar, citizen: Citizen, items: dict[str, ServiceItem]
) -> None:
    auth = await citizen(L2)
    item = items["person"]
    for _ in range(2):
        await apply(
            client, auth, {"item_code": item.code, "form": await person_form(client, auth, item.code)}
        )
    ids = sorted(m["id"] for m in (await client.get("/v1/me/messages", headers=auth)).json()["items"])
    stream = Stream(second_instance, auth, last_event_id=str(ids[0]))
    try:
        assert int((await stream.next_message())["id"]) == ids[1]
        # Nothing new: only heartbeats keep the line open.
        assert (await stream.next_block())["comment"] == "heartbeat"
    finally:
        await stream.close()


async def test_streams_per_account_are_bounded_and_freed_on_disconnect(
    client: Client, second_instance: Litestar, citizen: Citizen
) -> None:
    auth = await citizen(L2)
    streams = [Stream(second_instance, auth) for _ in range(3)]
    try:
        for stream in streams:
            assert await asyncio.wait_for(stream.status, WITHIN_S) == 200
            await stream.next_block()
        extra = Stream(second_instance, auth)
        assert await asyncio.wait_for(extra.status, WITHIN_S) == 429
        await extra.close()
        await streams.pop().close()
        again = Stream(second_instance, auth)
        assert await asyncio.wait_for(again.status, WITHIN_S) == 200
        streams.append(again)
    finally:
        for stream in streams:
            await stream.close()


async def test_a_malformed_last_event_id_is_400(client: Client, citizen: Citizen) -> None:
    auth = await citizen(L2)
    answer = await client.get("/v1/me/events", headers={**auth, "Last-Event-ID": "abc"})
    assert answer.status_code == 400 and answer.json()["errors"][0]["name"] == "Last-Event-ID"
    assert (await client.get("/v1/me/events")).status_code == 401
