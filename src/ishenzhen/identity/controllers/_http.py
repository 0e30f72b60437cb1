"""HTTP pieces of the identity controllers only: query parameter types, their response maps, form helpers.

The generic toolkit (response specs, client address, the bearer security requirement) is ``lib.http``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

import msgspec
from litestar import Request
from litestar.openapi import ResponseSpec
from litestar.params import Parameter, QueryParameter

from ishenzhen.errors import PROBLEM_MEDIA_TYPE, Problem
from ishenzhen.identity.oauth.schemas import OAuthError
from ishenzhen.lib.http import response_spec

__all__ = [
    "BEARER_ERRORS",
    "HTML_RESPONSES",
    "OAUTH_ERRORS",
    "Query",
    "ScopeQuery",
    "StateQuery",
    "bad_basic",
    "form_values",
]

Query = Annotated[str | None, Parameter(max_length=2048)]
# `state` and `scope` are reserved names of litestar handler arguments: declared under another name.
StateQuery = Annotated[str | None, QueryParameter(name="state", max_length=2048)]
ScopeQuery = Annotated[str | None, QueryParameter(name="scope", max_length=2048)]
_HTML = "text/html"

OAUTH_ERRORS = {
    400: response_spec(
        OAuthError, "RFC 6749 error: invalid_request, invalid_grant, unsupported_grant_type, …"
    ),
    401: response_spec(OAuthError, "invalid_client: client authentication failed"),
    405: response_spec(OAuthError, "Method not allowed"),
    413: response_spec(OAuthError, "Body too large"),
    415: response_spec(OAuthError, "The body must be application/x-www-form-urlencoded"),
}
HTML_RESPONSES: dict[int, ResponseSpec] = {
    200: response_spec(str, "The sign-in page (zh-CN with English)", _HTML),
    302: ResponseSpec(
        data_container=None, generate_examples=False, description="Back to the client's redirect URI"
    ),
    400: response_spec(str, "Error page: unknown client, unregistered redirect URI or bad form", _HTML),
    401: response_spec(str, "Sign-in failed (the same answer whether or not the account exists)", _HTML),
    403: response_spec(
        str,
        "The account's assurance level is below acr_values, or not allowed to act for that enterprise",
        _HTML,
    ),
    413: response_spec(Problem, "Body too large", PROBLEM_MEDIA_TYPE),
    415: response_spec(Problem, "The body must be application/x-www-form-urlencoded", PROBLEM_MEDIA_TYPE),
    429: response_spec(str, "Too many attempts: see Retry-After", _HTML),
}
BEARER_ERRORS = {
    401: response_spec(
        OAuthError, "Missing, malformed, expired or foreign access token (see WWW-Authenticate)"
    ),
    403: response_spec(OAuthError, "The token lacks the openid scope"),
}


def form_values(data: msgspec.Struct) -> dict[str, str]:
    """A parsed form as authlib takes it: the fields that were sent."""
    return {key: value for key, value in msgspec.structs.asdict(data).items() if value is not None}


def bad_basic(request: Request[Any, Any, Any]) -> bool:
    """Whether the request has Basic credentials that are not base64 of UTF-8 (authlib would raise on them)."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return False
    try:
        base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return True
    return False
