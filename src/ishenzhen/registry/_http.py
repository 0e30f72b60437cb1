"""HTTP pieces of the registry controllers: raw JSON bodies, answers with strong ETags, OpenAPI helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request
from litestar.di import Provide
from litestar.exceptions import ClientException
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, Operation, Reference, RequestBody, SecurityRequirement
from litestar.types import Receive, Scope, Send

from ishenzhen.errors import problem_spec
from ishenzhen.identity import Principal, provide_principal, requires
from ishenzhen.lib.http import require_media_type
from ishenzhen.lib.http_cache import EncodedBody, etag_matches
from ishenzhen.registry._access import REVIEW_SCOPE, WRITE_SCOPE, Actor

__all__ = ["READ", "REVIEW", "WRITE", "Answer", "ItemBodyOperation", "actor_of", "errors", "json_body", "ok"]

_PRIVATE = (b"cache-control", b"private, no-cache")
_JSON = (b"content-type", b"application/json")
BEARER: list[SecurityRequirement] = [{"bearer": []}]
_PRINCIPAL = {"principal": Provide(provide_principal, sync_to_thread=False)}
# Reading is for the item's department (registry:write) and for reviewers (registry:review): the token's
# scopes and department are checked by the service, so the guard only asks for a valid token.
READ: dict[str, Any] = {"opt": requires(), "security": BEARER, "dependencies": _PRINCIPAL}
WRITE: dict[str, Any] = {"opt": requires(WRITE_SCOPE), "security": BEARER, "dependencies": _PRINCIPAL}
REVIEW: dict[str, Any] = {"opt": requires(REVIEW_SCOPE), "security": BEARER, "dependencies": _PRINCIPAL}


def actor_of(principal: Principal) -> Actor:
    return Actor.of(principal)


class Answer:
    """A finished answer as two ASGI messages: JSON (or YAML) with its strong ETag, or an empty 204/304."""

    __slots__ = ("_body", "_headers", "_status")

    def __init__(
        self,
        body: EncodedBody | None,
        *,
        status: int = 200,
        if_none_match: str | None = None,
        location: str | None = None,
        media_type: bytes | None = None,
    ) -> None:
        headers = [_PRIVATE]
        if location is not None:
            headers.append((b"location", location.encode()))
        if body is None:
            self._status, self._body, self._headers = status, b"", headers
            return
        headers.append((b"etag", body.etag.encode()))
        if status == 200 and etag_matches(if_none_match, body.etag):
            self._status, self._body, self._headers = 304, b"", headers
            return
        content_type = (b"content-type", media_type) if media_type else _JSON
        length = (b"content-length", str(len(body.content)).encode())
        self._status, self._body, self._headers = status, body.content, [*headers, content_type, length]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self._status, "headers": self._headers})
        await send({"type": "http.response.body", "body": self._body})


async def json_body(request: Request[Any, Any, Any]) -> Any:
    """The body as JSON values, decoded here so that every problem of an item is reported at once."""
    require_media_type(request)
    try:
        return msgspec.json.decode(await request.body())
    except msgspec.DecodeError as exc:
        raise ClientException(detail=str(exc)) from exc


@dataclass
class ItemBodyOperation(Operation):
    """Documents a ``ServiceItem`` request body for handlers that read the body themselves (see json_body)."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={
                "application/json": OpenAPIMediaType(schema=Reference(ref="#/components/schemas/ServiceItem"))
            },
            description="The item's national elements and optional render spec (ServiceItem)",
            required=True,
        )


def ok(
    model: Any, description: str, status: int = 200, media_type: str = "application/json"
) -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(
            data_container=model, generate_examples=False, description=description, media_type=media_type
        )
    }


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    described = {
        400: "Malformed JSON or parameter",
        401: "No valid access token (see WWW-Authenticate)",
        403: "Not this department's item, or the token lacks the scope (citizens' tokens always)",
        404: "No such item or version",
        409: "The item is not in a state that allows this",
        412: "If-Match does not name the current ETag: someone changed it since you read it",
        415: "The body must be application/json",
        422: "Every problem of the body, each with a JSON pointer (errors[].name)",
        428: "If-Match is required",
    }
    return {status: problem_spec(described[status]) for status in sorted({400, 401, 403, *statuses})}
