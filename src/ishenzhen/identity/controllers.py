"""HTTP only: the OAuth/OIDC endpoints and discovery.

The JSON endpoints under ``/oauth`` answer RFC 6749 error bodies (their own exception handlers below); the
sign-in pages are in ``login_controller``, ``/v1/me`` in ``me_controller`` (problem+json like the rest of the API).
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec
from litestar import Controller, MediaType, Request, Response, get, post, route
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import URLEncodedBody

from ishenzhen.identity._authlib import CLIENT_AUTH_METHODS, SCOPES
from ishenzhen.identity._http import (
    _BEARER_ERRORS,
    _OAUTH_ERRORS,
    BEARER,
    _address,
    _bad_basic,
    _form,
    _spec,
    _uuid,
)
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.identity.keys import ALGORITHM
from ishenzhen.identity.login_controller import LoginController
from ishenzhen.identity.me_controller import MeController
from ishenzhen.identity.provider import OAuthResult, oauth_error, queries
from ishenzhen.identity.schemas import (
    Introspection,
    Jwks,
    OAuthError,
    ProviderMetadata,
    TokenForm,
    TokenRequestForm,
    TokenResponse,
    UserInfo,
)
from ishenzhen.identity.state import IdentityState

__all__ = ["DiscoveryController", "LoginController", "MeController", "OAuthController"]


def _oauth_response(result: OAuthResult) -> Response[Any]:
    headers = {k: v for k, v in result.headers if k.lower() != "content-type"}
    headers.setdefault("Cache-Control", "no-store")
    headers.setdefault("Pragma", "no-cache")
    return Response(result.body, status_code=result.status, headers=headers, media_type=MediaType.JSON)


def _oauth_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """RFC 6749 / 6750 bodies for everything that goes wrong under /oauth (JSON endpoints)."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    error = {401: "invalid_token", 403: "insufficient_scope"}.get(status, "invalid_request")
    if status >= 500:
        error, detail = "server_error", "the server could not complete the request"
    elif isinstance(exc, ValidationException):
        detail = "malformed request parameters"
    else:
        detail = getattr(exc, "detail", "") or "invalid request"
    return Response({"error": error, "error_description": detail}, status_code=status, headers=headers,
                    media_type=MediaType.JSON)  # fmt: skip


class OAuthController(Controller):
    path = "/oauth"
    tags = ["oauth"]
    exception_handlers = {HTTPException: _oauth_exception, ValidationException: _oauth_exception}

    @post("/token", summary="Token endpoint (authorization_code, refresh_token, client_credentials)", status_code=200,
          responses={200: _spec(TokenResponse, "Tokens"), **_OAUTH_ERRORS,
                     429: _spec(OAuthError, "Too many token requests from this client or address: see Retry-After")})  # fmt: skip
    async def token(
        self, request: Request, identity: NamedDependency[IdentityState], data: URLEncodedBody[TokenForm]
    ) -> Response[TokenResponse]:
        if _bad_basic(request):
            return _oauth_response(oauth_error("invalid_client", "malformed Basic credentials", 401))
        result = await identity.provider.token(
            f"{identity.issuer}/oauth/token", request.headers, _form(data), _address(request)
        )
        return _oauth_response(result)

    @post("/revoke", summary="Token revocation (RFC 7009)", status_code=200,
          responses={200: _spec(dict[str, str], "Revoked, or unknown (the same answer)"), **_OAUTH_ERRORS})  # fmt: skip
    async def revoke(
        self,
        request: Request,
        identity: NamedDependency[IdentityState],
        data: URLEncodedBody[TokenRequestForm],
    ) -> Response[dict[str, str]]:
        if _bad_basic(request):
            return _oauth_response(oauth_error("invalid_client", "malformed Basic credentials", 401))
        uri = f"{identity.issuer}/oauth/revoke"
        return _oauth_response(
            await identity.provider.revoke(uri, request.headers, _form(data), _address(request))
        )

    @post("/introspect", summary="Token introspection (RFC 7662), for authenticated confidential clients",
          status_code=200, responses={200: _spec(Introspection, "Token state"), **_OAUTH_ERRORS})  # fmt: skip
    async def introspect(
        self,
        request: Request,
        identity: NamedDependency[IdentityState],
        data: URLEncodedBody[TokenRequestForm],
    ) -> Response[Introspection]:
        if _bad_basic(request):
            return _oauth_response(oauth_error("invalid_client", "malformed Basic credentials", 401))
        uri = f"{identity.issuer}/oauth/introspect"
        return _oauth_response(await identity.provider.introspect(uri, request.headers, _form(data)))

    @route("/userinfo", http_method=["GET", "POST"], summary="OpenID Connect userinfo", opt=requires("openid"),
           status_code=200,
           security=BEARER, dependencies={"principal": Provide(provide_principal, sync_to_thread=False)},
           responses={200: _spec(UserInfo, "Claims about the signed-in citizen"), **_BEARER_ERRORS})  # fmt: skip
    async def userinfo(
        self, identity: NamedDependency[IdentityState], db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
    ) -> UserInfo:  # fmt: skip
        async with db_pool.acquire() as connection:
            profile = await queries.account_by_id(connection, id=_uuid(principal.sub))
        if profile is None:
            raise HTTPException(status_code=401, detail="the token's subject no longer exists",
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})  # fmt: skip
        from ishenzhen.identity.models import Subject

        subject = Subject(profile["id"], profile["assurance_level"], [], profile["created_at"])
        claims = identity.provider.user_info(subject, " ".join(principal.scopes), profile)
        return msgspec.convert(claims, UserInfo)

    @get("/jwks", summary="Published signing keys (JWK Set)", responses={200: _spec(Jwks, "Public keys")})
    async def jwks(self, identity: NamedDependency[IdentityState]) -> Response[Jwks]:
        await identity.keys.refresh_if_stale()
        return Response(
            msgspec.convert(identity.keys.jwks(), Jwks), headers={"Cache-Control": "public, max-age=60"}
        )


class DiscoveryController(Controller):
    path = "/.well-known"
    tags = ["oauth"]

    def _metadata(self, issuer: str) -> ProviderMetadata:
        methods = [m for m in CLIENT_AUTH_METHODS]
        return ProviderMetadata(
            issuer=issuer, authorization_endpoint=f"{issuer}/oauth/authorize", token_endpoint=f"{issuer}/oauth/token",
            userinfo_endpoint=f"{issuer}/oauth/userinfo", jwks_uri=f"{issuer}/oauth/jwks",
            revocation_endpoint=f"{issuer}/oauth/revoke", introspection_endpoint=f"{issuer}/oauth/introspect",
            end_session_endpoint=f"{issuer}/oauth/end-session", scopes_supported=SCOPES,
            response_types_supported=["code"], response_modes_supported=["query"],
            grant_types_supported=["authorization_code", "refresh_token", "client_credentials"],
            code_challenge_methods_supported=["S256"], token_endpoint_auth_methods_supported=methods,
            token_endpoint_auth_signing_alg_values_supported=["ES256", "RS256"],
            revocation_endpoint_auth_methods_supported=methods,
            introspection_endpoint_auth_methods_supported=[m for m in methods if m != "none"],
            subject_types_supported=["public"], id_token_signing_alg_values_supported=[ALGORITHM],
            acr_values_supported=["L1", "L2", "L3"], prompt_values_supported=["none", "login", "consent"],
            claims_supported=["sub", "name", "phone_number", "phone_number_verified", "acr", "amr", "auth_time",
                              "nonce", "assurance_level"],
            ui_locales_supported=["zh-CN", "en"], authorization_response_iss_parameter_supported=False,
        )  # fmt: skip

    @get(
        "/openid-configuration",
        summary="OpenID Provider metadata",
        responses={200: _spec(ProviderMetadata, "Metadata")},
    )
    async def openid_configuration(self, identity: NamedDependency[IdentityState]) -> ProviderMetadata:
        return self._metadata(identity.issuer)

    @get("/oauth-authorization-server", summary="Authorization server metadata (RFC 8414)",
         responses={200: _spec(ProviderMetadata, "Metadata")})  # fmt: skip
    async def oauth_authorization_server(self, identity: NamedDependency[IdentityState]) -> ProviderMetadata:
        return self._metadata(identity.issuer)
