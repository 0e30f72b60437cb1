"""Request ids and the one access event per request, as a plain ASGI middleware.

Plain ASGI rather than litestar's AbstractMiddleware: it runs on every request, health checks included,
so it keeps to a header scan, a clock read and one queued access line (``ishenzhen.logging.AccessLog``;
the app's shutdown hook writes out what is still queued).
"""

from __future__ import annotations

import os
import re
import time
from typing import Final, Protocol

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from ishenzhen.lib.edge import CLIENT_DISCONNECTED

__all__ = ["CLIENT_CLOSED_REQUEST", "AccessRecorder", "RequestContextMiddleware", "new_request_id"]


class AccessRecorder(Protocol):
    """Writes one access-log event (``ishenzhen.logging.AccessLog`` is the one the app uses)."""

    def record(self, request_id: str, method: str, route: str, status: int, duration_ms: float) -> None: ...


# The scope type as litestar's types declare it (an enum member, which lets the checker narrow the scope),
# bound once: looking the member up costs about 70 ns a request.
_HTTP: Final = ScopeType.HTTP
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_HEADER = b"x-request-id"
CLIENT_CLOSED_REQUEST = 499


def new_request_id() -> str:
    # What secrets.token_hex(16) does, without its two calls through random.SystemRandom on every request.
    return os.urandom(16).hex()


def _incoming_request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == _HEADER:
            candidate = value.decode("latin-1")
            # A client-supplied id is echoed in logs and headers, so only a plain token is trusted.
            if _SAFE_REQUEST_ID.match(candidate):
                return candidate
            break
    return new_request_id()


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, access_log: AccessRecorder | None) -> None:
        self.app = app
        # Handed in by the app factory (lib sits below logging): None turns the access log off.
        self.access_log = access_log is not None
        self._access = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != _HTTP:
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        header_value = request_id.encode()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (_HEADER, header_value)]
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            if scope["state"].get(CLIENT_DISCONNECTED):
                # The client left before its request was complete: nginx's 499, not a server error.
                status = CLIENT_CLOSED_REQUEST
            if self.access_log:
                self._log(scope, request_id, status, started)

    def _log(self, scope: HTTPScope, request_id: str, status: int, started: float) -> None:
        assert self._access is not None
        self._access.record(
            request_id,
            scope["method"],
            scope.get("path_template") or scope["path"],
            status,
            round((time.perf_counter() - started) * 1000, 3),
        )
