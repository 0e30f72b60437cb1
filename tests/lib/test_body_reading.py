"""A body that stops arriving is answered 408 after the read timeout; a client that leaves is not a 500."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.app import create_app
from ishenzhen.logging import flush_access_log
from ishenzhen.settings import Settings, load_settings
from tests.probe_routes import PROBE_ROUTES

READ_SECONDS = 0.3


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(
        {}, database_url=database_url, log_format="json", log_level="info", body_read_seconds=READ_SECONDS
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    app = create_app(settings, extra_route_handlers=PROBE_ROUTES)
    async with AsyncTestClient(app=app):  # runs the lifespan: the app is ready for raw ASGI calls
        yield app


def scope(path: str, content_type: str, length: int) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", content_type.encode()), (b"content-length", str(length).encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def run(app: Litestar, request_scope: dict, *, then: str) -> list[dict]:
    """Send two bytes of the body, then either stay silent or disconnect; return what the app sent."""
    sent: list[dict] = []
    first = True

    async def receive() -> dict:
        nonlocal first
        if first:
            first = False
            return {"type": "http.request", "body": b'{"', "more_body": True}
        if then == "silence":
            await asyncio.Event().wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await asyncio.wait_for(app(request_scope, receive, send), timeout=10)
    return sent


def flushed(capsys: pytest.CaptureFixture[str]) -> str:
    flush_access_log()  # the access log writes in batches off the request path
    return capsys.readouterr().err


def access_events(captured: str) -> list[dict]:
    """The access events in what the test captured; call after ``flush_access_log`` (lines are batched)."""
    events = [json.loads(line) for line in captured.splitlines() if line.startswith("{")]
    return [event for event in events if event["event"] == "http.request"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/test/applicants", "application/json"), ("/test/upload", "application/octet-stream")],
)
async def test_body_that_stops_arriving_is_408_problem_after_the_read_timeout(
    app: Litestar, capsys: pytest.CaptureFixture[str], path: str, content_type: str
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    sent = await run(app, scope(path, content_type, 100), then="silence")
    elapsed = loop.time() - started
    assert READ_SECONDS <= elapsed < READ_SECONDS + 2
    start = next(message for message in sent if message["type"] == "http.response.start")
    assert start["status"] == 408
    headers = dict(start["headers"])
    assert headers[b"content-type"] == b"application/problem+json"
    body = json.loads(b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))
    assert body["status"] == 408 and body["errors"][0]["location"] == "body"
    [event] = access_events(flushed(capsys))
    assert event["status"] == 408 and event["level"] == "info"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/test/applicants", "application/json"), ("/test/upload", "application/octet-stream")],
)
async def test_client_that_leaves_mid_body_is_logged_as_499_not_as_a_server_error(
    app: Litestar, capsys: pytest.CaptureFixture[str], path: str, content_type: str
) -> None:
    await run(app, scope(path, content_type, 100), then="disconnect")
    captured = flushed(capsys)
    [event] = access_events(captured)
    assert event["status"] == 499 and event["level"] == "info"
    assert '"level":"error"' not in captured
