"""Request ids and the one access event per request, as a plain ASGI middleware.

Plain ASGI rather than litestar's AbstractMiddleware: it runs on every request, health checks included,
so it keeps to a header scan, a clock read and one log call.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from ishenzhen.lib.edge import CLIENT_DISCONNECTED

__all__ = ["CLIENT_CLOSED_REQUEST", "RequestContextMiddleware", "new_request_id"]

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_HEADER = b"x-request-id"
CLIENT_CLOSED_REQUEST = 499


def new_request_id() -> str:
    return secrets.token_hex(16)


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
    def __init__(self, app: ASGIApp, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log
        # Bound once, after logging is configured: the lazy proxy would re-resolve on every request.
        self._log_event = structlog.get_logger("ishenzhen.access").bind()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
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

    def _log(self, scope: Scope, request_id: str, status: int, started: float) -> None:
        fields: dict[str, Any] = {
            "request_id": request_id,
            "method": scope["method"],
            "route": scope.get("path_template") or scope["path"],
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        }
        if status >= 500:
            self._log_event.error("http.request", **fields)
        else:
            self._log_event.info("http.request", **fields)
