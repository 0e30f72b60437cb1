"""The one HTTP toolkit of the domains: OpenAPI response specs, the media-type check and the client address.

Controllers of every domain document their answers and read requests through these helpers, so that a new
domain copies one way of doing it. Raw ASGI answers with pre-encoded bodies live in ``lib.http_cache``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import SecurityRequirement
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

__all__ = [
    "BEARER",
    "JSON",
    "client_address",
    "media_type_of",
    "require_media_type",
    "response_spec",
]

JSON = "application/json"
BEARER: list[SecurityRequirement] = [{"bearer": []}]


def response_spec(model: Any, description: str, media_type: str = JSON) -> ResponseSpec:
    """How an endpoint documents one of its answers (``model`` None for an answer without a body)."""
    return ResponseSpec(
        data_container=model, generate_examples=False, description=description, media_type=media_type
    )


def client_address(request: Request[Any, Any, Any]) -> str:
    """The caller's address as the server saw it ("unknown" when the transport does not say)."""
    return request.client.host if request.client else "unknown"


def media_type_of(request: Request[Any, Any, Any]) -> str:
    """The request body's media type, lower case, without parameters ("" when there is no header)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def require_media_type(request: Request[Any, Any, Any], expected: str = JSON) -> None:
    """415 unless the body is ``expected``; for JSON, any ``+json`` suffix type is accepted too."""
    received = media_type_of(request)
    if received == expected or (expected == JSON and received.endswith("+json")):
        return
    raise HTTPException(
        status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        detail=f"header 'content-type' must be {expected}, got {received or 'none'}",
    )
