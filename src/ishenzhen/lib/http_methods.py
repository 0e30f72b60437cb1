"""HEAD wherever GET works, and an ``Allow`` on OPTIONS that lists every method of the path.

RFC 9110 §9.3.2: a server answers HEAD like GET without the body; litestar answers 405 unless a handler
declares HEAD, so a HEAD request runs the GET handler here and its body is dropped (``content-length`` stays,
as the GET's). litestar also builds a path's OPTIONS answer from the first controller that declares the path,
so a path shared by a read and a write controller answers a short ``Allow``: it is rewritten from the route
table (``allow_for``) once the router has matched the request.
"""

from __future__ import annotations

from collections.abc import Callable

from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MethodSemantics"]


class MethodSemantics:
    def __init__(self, app: ASGIApp, *, allow_for: Callable[[str], str | None]) -> None:
        self.app = app
        self.allow_for = allow_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]  # type: ignore[typeddict-item]
        if method == "HEAD":
            await self.app({**scope, "method": "GET"}, receive, _without_body(send))  # type: ignore[arg-type]
        elif method == "OPTIONS":
            await self.app(scope, receive, self._with_allow(scope, send))
        else:
            await self.app(scope, receive, send)

    def _with_allow(self, scope: Scope, send: Send) -> Send:
        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 204:
                allow = self.allow_for(scope.get("path_template") or scope["path"])
                if allow is not None:
                    headers = [h for h in message.get("headers", ()) if h[0].lower() != b"allow"]
                    message["headers"] = [*headers, (b"allow", allow.encode())]
            await send(message)

        return send_with_allow


def _without_body(send: Send) -> Send:
    async def send_head(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_head
