"""HTTP pieces shared by the identity controllers: parameter types, response specs, request helpers."""

from __future__ import annotations

import binascii
from typing import Annotated, Any

import msgspec
from litestar import Request
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import SecurityRequirement
from litestar.params import Parameter, QueryParameter

from ishenzhen.errors import Problem
from ishenzhen.identity.schemas import (
    OAuthError,
)

BEARER: list[SecurityRequirement] = [{"bearer": []}]
_Q = Annotated[str | None, Parameter(max_length=2048)]
# `state` and `scope` are reserved names of litestar handler arguments: declared under another name.
_StateQ = Annotated[str | None, QueryParameter(name="state", max_length=2048)]
_ScopeQ = Annotated[str | None, QueryParameter(name="scope", max_length=2048)]


def _spec(model: Any, description: str, media_type: str = "application/json") -> ResponseSpec:
    return ResponseSpec(
        data_container=model, generate_examples=False, description=description, media_type=media_type
    )


_OAUTH_ERRORS = {
    400: _spec(OAuthError, "RFC 6749 error: invalid_request, invalid_grant, unsupported_grant_type, …"),
    401: _spec(OAuthError, "invalid_client: client authentication failed"),
    405: _spec(OAuthError, "Method not allowed"),
    413: _spec(OAuthError, "Body too large"),
    415: _spec(OAuthError, "The body must be application/x-www-form-urlencoded"),
}
_HTML = {
    200: _spec(str, "The sign-in page (zh-CN with English)", "text/html"),
    302: ResponseSpec(
        data_container=None, generate_examples=False, description="Back to the client's redirect URI"
    ),
    400: _spec(str, "Error page: unknown client, unregistered redirect URI or bad form", "text/html"),
    401: _spec(str, "Sign-in failed (the same answer whether or not the account exists)", "text/html"),
    403: _spec(
        str,
        "The account's assurance level is below acr_values, or not allowed to act for that enterprise",
        "text/html",
    ),
    413: _spec(Problem, "Body too large", "application/problem+json"),
    415: _spec(Problem, "The body must be application/x-www-form-urlencoded", "application/problem+json"),
    429: _spec(str, "Too many attempts: see Retry-After", "text/html"),
}
_BEARER_ERRORS = {
    401: _spec(OAuthError, "Missing, malformed, expired or foreign access token (see WWW-Authenticate)"),
    403: _spec(OAuthError, "The token lacks the openid scope"),
}


def _address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _form(data: msgspec.Struct) -> dict[str, str]:
    return {key: value for key, value in msgspec.structs.asdict(data).items() if value is not None}


def _bad_basic(request: Request[Any, Any, Any]) -> bool:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return False
    import base64

    try:
        base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return True
    return False


def _uuid(value: str) -> Any:
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return uuid.UUID(int=0)
