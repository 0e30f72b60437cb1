"""HTTP pieces shared by the registry controllers: parameters, raw JSON bodies, answers with strong ETags,
OpenAPI helpers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example, OpenAPIMediaType, Operation, Reference, RequestBody
from litestar.params import HeaderParameter, Parameter

from ishenzhen.catalog.model import MAX_VERSION, ServiceItem
from ishenzhen.errors import problem_spec
from ishenzhen.identity import Principal, provide_principal, requires
from ishenzhen.lib.http import BEARER, require_media_type, response_spec
from ishenzhen.lib.http_cache import JSON_TYPE, EncodedBody, FinishedResponse
from ishenzhen.registry._access import REVIEW_SCOPE, WRITE_SCOPE, Actor
from ishenzhen.registry.examples import ITEM_EXAMPLE

__all__ = [
    "ITEM",
    "READ",
    "REVIEW",
    "WRITE",
    "Caller",
    "Code",
    "IfMatch",
    "IfNoneMatch",
    "ItemBodyOperation",
    "Pool",
    "Version",
    "actor_of",
    "answer",
    "draft_location",
    "errors",
    "json_body",
    "ok",
    "yaml_body",
]

Code = Annotated[str, Parameter(pattern=r"^[0-9A-Za-z]{1,64}$", description="item code (事项编码)")]
Version = Annotated[int, Parameter(ge=1, le=MAX_VERSION, description="version number")]
IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", required=False, max_length=512, description="ETag you based it on"),
]
IfNoneMatch = Annotated[str | None, HeaderParameter(name="If-None-Match", required=False, max_length=512)]
Pool = NamedDependency[asyncpg.Pool]
Caller = NamedDependency[Principal]
ITEM = "/items/{code:str}"

_PRIVATE = b"private, no-cache"
_PRINCIPAL = {"principal": Provide(provide_principal, sync_to_thread=False)}
# Reading is for the item's department (registry:write) and for reviewers (registry:review): the token's
# scopes and department are checked by the service, so the guard only asks for a valid token.
READ: dict[str, Any] = {"opt": requires(), "security": BEARER, "dependencies": _PRINCIPAL}
WRITE: dict[str, Any] = {"opt": requires(WRITE_SCOPE), "security": BEARER, "dependencies": _PRINCIPAL}
REVIEW: dict[str, Any] = {"opt": requires(REVIEW_SCOPE), "security": BEARER, "dependencies": _PRINCIPAL}


def actor_of(principal: Principal) -> Actor:
    return Actor.of(principal)


def answer(
    body: EncodedBody,
    *,
    status: int = 200,
    if_none_match: str | None = None,
    location: str | None = None,
    media_type: bytes = JSON_TYPE,
) -> FinishedResponse:
    """A registry answer: private to the caller, with its strong ETag (304 when a read names it)."""
    headers = () if location is None else ((b"location", location.encode()),)
    return FinishedResponse.json(
        body, if_none_match, cache_control=_PRIVATE, headers=headers, status=status, media_type=media_type
    )


def draft_location(code: str) -> str:
    return f"/v1/registry/items/{code}/draft"


def yaml_body(text: str) -> EncodedBody:
    """A YAML text as a body with its strong ETag (the JSON encoder would quote it)."""
    content = text.encode()
    return EncodedBody(content=content, etag=f'"{hashlib.blake2b(content, digest_size=12).hexdigest()}"')


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
                "application/json": OpenAPIMediaType(
                    schema=Reference(ref="#/components/schemas/ServiceItem"),
                    examples={
                        # As a Struct: the document's encoder keeps its nulls (district, visit_reason), which
                        # litestar drops from a plain dict, and the schema requires.
                        "graduate_intake": Example(
                            summary="应届毕业生接收（人社局，含秒批规则）",
                            value=msgspec.convert(ITEM_EXAMPLE, ServiceItem),
                        )
                    },
                )
            },
            description="The item's national elements and optional render spec (ServiceItem)",
            required=True,
        )


def ok(
    model: Any, description: str, status: int = 200, media_type: str = "application/json"
) -> dict[int, ResponseSpec]:
    return {status: response_spec(model, description, media_type)}


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    described = {
        400: "Malformed JSON or parameter",
        401: "No valid access token (see WWW-Authenticate)",
        403: "Not this department's item, or the token lacks the scope (citizens' tokens always)",
        404: "No such item or version",
        409: "The item is not in a state that allows this",
        412: "If-Match does not name the current ETag: someone changed it since you read it",
        413: "The body is larger than the server accepts",
        415: "The body must be application/json",
        422: "Every problem of the body, each with a JSON pointer (errors[].name)",
        428: "If-Match is required",
    }
    return {status: problem_spec(described[status]) for status in sorted({400, 401, 403, *statuses})}
