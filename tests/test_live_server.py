"""Against ``ishenzhen serve`` on loopback: /docs in a real headless Chromium with every other origin
unreachable, and the answers granian gives itself before the app sees a request (README, "Errors")."""

from __future__ import annotations

import contextlib
import socket
from urllib.parse import urlsplit

import pytest

from tests.identity.test_browser import (  # the live server and browser fixtures of the sign-in tests
    Tab,
    browser,
    browser_database_url,
    live_server,
    tab,
)

pytestmark = pytest.mark.slow
__all__ = ["browser", "browser_database_url", "live_server", "tab"]


async def test_docs_render_offline_from_the_projects_own_assets(live_server, tab: Tab) -> None:
    origin = urlsplit(live_server.issuer).netloc
    foreign: list[str] = []

    async def only_our_origin(route) -> None:
        if urlsplit(route.request.url).netloc == origin:
            await route.continue_()
        else:
            foreign.append(route.request.url)
            await route.abort()

    await tab.page.route("**/*", only_our_origin)
    await tab.page.goto(f"{live_server.issuer}/docs")
    # Swagger UI draws one block per operation once it has fetched and parsed the document.
    await tab.page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    assert await tab.page.locator(".opblock").count() > 20
    assert foreign == []
    assert tab.csp_violations == []


def raw_exchange(issuer: str, request: bytes) -> bytes:
    """Send bytes as they are (no client library would send these) and read the whole answer."""
    parts = urlsplit(issuer)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(request)
        # The server may already have answered and closed (headers too large): nothing left to half-close.
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        # A request line past the buffer is 414 or 431 depending on how much of it had arrived when the buffer
        # filled (seen both ways on one machine); the document declares both on every operation.
        (b"GET /" + b"a" * 500_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", (b"414", b"431")),
        (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 600_000 + b"\r\n\r\n", (b"431",)),
        (b"GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n", (b"400",)),
    ],
    ids=["request-line-too-long", "headers-too-large", "raw-0xff-in-path"],
)
def test_the_servers_own_early_refusals_are_as_documented(
    live_server, request_bytes: bytes, status: tuple[bytes, ...]
) -> None:
    # granian answers these before any ASGI call, with an empty body it does not let us replace.
    answer = raw_exchange(live_server.issuer, request_bytes)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split(b" ")[1] in status, answer[:200]
    assert rest.partition(b"\r\n\r\n")[2] == b""
