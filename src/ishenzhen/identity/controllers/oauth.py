"""HTTP only: the JSON endpoints under ``/oauth`` (token, revocation, introspection, userinfo, keys).

They answer RFC 6749 error bodies (their own exception handlers below); the sign-in pages are in
``sign_in``, discovery in ``discovery``.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec
from litestar import Controller, MediaType, Request, Response, get, post, route
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import URLEncodedBody

from ishenzhen.errors import Unauthenticated
from ishenzhen.identity.controllers._http import BEARER_ERRORS, OAUTH_ERRORS, bad_basic, form_values
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.identity.oauth.schemas import (
    Introspection,
    Jwks,
    OAuthError,
    TokenForm,
    TokenRequestForm,
    TokenResponse,
    UserInfo,
)
from ishenzhen.identity.oauth.service import OAuthResult, oauth_error
from ishenzhen.identity.state import IdentityState
from ishenzhen.lib.http import BEARER, client_address
from ishenzhen.lib.http import response_spec as _spec

__all__ = ["OAuthController"]


def _oauth_response(result: OAuthResult) -> Response[Any]:
    headers = {k: v for k, v in result.headers if k.lower() != "content-type"}
    headers.setdefault("Cache-Control", "no-store")
    headers.setdefault("Pragma", "no-cache")
    return Response(result.body, status_code=result.status, headers=headers, media_type=MediaType.JSON)


def _oauth_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """RFC 6749 / 6750 bodies for everything that goes wrong under /oauth (JSON endpoints)."""
    if isinstance(exc, Unauthenticated):
        return Response(
            {"error": "invalid_token", "error_description": exc.detail},
            status_code=401,
            headers={"WWW-Authenticate": exc.challenge},
            media_type=MediaType.JSON,
        )
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    error = {401: "invalid_token", 403: "insufficient_scope"}.get(status, "invalid_request")
    if status >= 500:
        error, detail = "server_error", "the server could not complete the request"
    elif isinstance(exc, ValidationException):
        detail = "malformed request parameters"
    else:
        detail = getattr(exc, "detail", "") or "invalid request"
    return Response(
        {"error": error, "error_description": detail},
        status_code=status,
        headers=headers,
        media_type=MediaType.JSON,
    )


class OAuthController(Controller):
    path = "/oauth"
    tags = ["oauth"]
    exception_handlers = {
        HTTPException: _oauth_exception,
        ValidationException: _oauth_exception,
        Unauthenticated: _oauth_exception,
    }

    @post(
        "/token",
        summary="Token endpoint (authorization_code, refresh_token, client_credentials)",
        status_code=200,
        responses={
            200: _spec(TokenResponse, "Tokens"),
            **OAUTH_ERRORS,
            429: _spec(OAuthError, "Too many token requests from this client or address: see Retry-After"),
        },
    )
    async def token(
        self,
        request: Request[Any, Any, Any],
        identity: NamedDependency[IdentityState],
        data: URLEncodedBody[TokenForm],
    ) -> Response[TokenResponse]:
        if bad_basic(request):
            return _oauth_response(oauth_error("invalid_client", "malformed Basic credentials", 401))
        result = await identity.provider.token(
            f"{identity.issuer}/oauth/token", request.headers, form_values(data), client_address(request)
        )
        return _oauth_response(result)

    @post(
        "/revoke",
        summary="Token revocation (RFC 7009)",
        status_code=200,
        responses={200: _spec(dict[str, str], "Revoked, or unknown (the same answer)"), **OAUTH_ERRORS},
    )
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        identity: NamedDependency[IdentityState],
        data: URLEncodedBody[TokenRequestForm],
    ) -> Response[dict[str, str]]:
        if bad_basic(request):
            return _oauth_response(oauth_error("invalid_client", "malformed Basic credentials", 401))
        uri = f"{identity.issuer}/oauth/revoke"
        return _oauth_response(
            await identity.provider.revoke(uri, request.headers, form_values(data), client_address(request))
        )

    @post(
        "/introspect",
        summary="Token introspection (RFC 7662), for authenticated confidential clients",
        status_code=200,
        responses={200: _spec(Introspection, "Token state"), **OAUTH_ERRORS},
    )
    async def introspect(
        self,
        request: Request[Any, Any, Any],
        identity: NamedDependency[IdentityState],
        data: URLEncodedBody[TokenRequestForm],
    ) -> Response[Introspection]:
        if bad_basic(request):
            return _oauth_response(oauth_error("invalid_client", "malformed Basic credentials", 401))
        uri = f"{identity.issuer}/oauth/introspect"
        return _oauth_response(await identity.provider.introspect(uri, request.headers, form_values(data)))

    @route(
        "/userinfo",
        http_method=["GET", "POST"],
        summary="OpenID Connect userinfo",
        description="The access token goes in the Authorization header, or (POST only) as `access_token` in an "
        "application/x-www-form-urlencoded body (RFC 6750 §2.2); never in the query.",
        opt=requires("openid", form_body=True),
        status_code=200,
        security=BEARER,
        dependencies={"principal": Provide(provide_principal, sync_to_thread=False)},
        responses={200: _spec(UserInfo, "Claims about the signed-in citizen"), **BEARER_ERRORS},
    )
    async def userinfo(
        self,
        identity: NamedDependency[IdentityState],
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
    ) -> UserInfo:
        async with db_pool.acquire() as connection:
            claims = await identity.provider.claims_of(connection, principal.sub, " ".join(principal.scopes))
        return msgspec.convert(claims, UserInfo)

    @get("/jwks", summary="Published signing keys (JWK Set)", responses={200: _spec(Jwks, "Public keys")})
    async def jwks(self, identity: NamedDependency[IdentityState]) -> Response[Jwks]:
        await identity.keys.refresh_if_stale()
        return Response(
            msgspec.convert(identity.keys.jwks(), Jwks), headers={"Cache-Control": "public, max-age=60"}
        )
