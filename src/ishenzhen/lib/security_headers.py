"""Headers every answer carries, added once around the whole app (refusals and 404s included).

- ``X-Content-Type-Options: nosniff`` everywhere: a browser never guesses a type we did not send.
- An answer to a request with credentials (``Authorization``) is never stored by a shared cache:
  ``Cache-Control: no-store`` unless the handler chose a private policy itself (the registry's
  ``private, no-cache`` keeps its ETags useful); a ``public`` policy there would be a bug, and is replaced.
- Pages under the docs prefix cannot be framed (clickjacking on the sign-in origin) and run under ``csp``.
"""

from __future__ import annotations

from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityHeaders"]

_NOSNIFF = (b"x-content-type-options", b"nosniff")
_NO_STORE = (b"cache-control", b"no-store")
_DENY_FRAMES = (b"x-frame-options", b"DENY")


def _has_credentials(scope: Scope) -> bool:
    return any(name == b"authorization" for name, _ in scope["headers"])


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, docs_prefix: str, docs_csp: str) -> None:
        self.app = app
        self.docs_prefix = docs_prefix
        self.docs_headers = [_DENY_FRAMES, (b"content-security-policy", docs_csp.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        credentials = _has_credentials(scope)
        docs = scope["path"] == self.docs_prefix or scope["path"].startswith(self.docs_prefix + "/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", ()), _NOSNIFF]
                if credentials:
                    headers = _private(headers)
                if docs:
                    headers = [
                        h for h in headers if h[0] not in (b"content-security-policy", b"x-frame-options")
                    ]
                    headers += self.docs_headers
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _private(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    policies = [value for name, value in headers if name == b"cache-control"]
    if policies and not any(b"public" in value.lower() for value in policies):
        return headers
    return [*(h for h in headers if h[0] != b"cache-control"), _NO_STORE]
