"""HTTP only: the OAuth/OIDC endpoints, discovery, and ``/v1/me``.

The JSON endpoints under ``/oauth`` answer RFC 6749 error bodies (their own exception handlers below);
the login pages answer HTML; ``/v1/me`` answers problem+json like the rest of the API.
"""

from __future__ import annotations

import binascii
import hmac
from typing import Annotated, Any

import asyncpg
import msgspec
from joserfc import jwt
from joserfc.errors import JoseError
from litestar import Controller, MediaType, Request, Response, get, post, route
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import SecurityRequirement
from litestar.params import Parameter, QueryParameter, URLEncodedBody

from ishenzhen.errors import Problem
from ishenzhen.identity import accounts, pages
from ishenzhen.identity._authlib import CLIENT_AUTH_METHODS, SCOPES
from ishenzhen.identity.authorize import CSRF_COOKIE, SESSION_COOKIE, html, redirect
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.identity.hashing import hash_token
from ishenzhen.identity.keys import ALGORITHM
from ishenzhen.identity.provider import OAuthResult, oauth_error, queries
from ishenzhen.identity.schemas import (
    AuthorizeForm,
    EndSessionForm,
    Introspection,
    Jwks,
    Me,
    OAuthError,
    PartyInfo,
    ProviderMetadata,
    TokenForm,
    TokenRequestForm,
    TokenResponse,
    UserInfo,
)
from ishenzhen.identity.state import IdentityState

__all__ = ["DiscoveryController", "LoginController", "MeController", "OAuthController"]

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
    403: _spec(str, "The account's assurance level is below acr_values, or not allowed to act for that enterprise",
               "text/html"),
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
    exception_handlers = {HTTPException: _oauth_exception, ValidationException: _oauth_exception}  # noqa: RUF012

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


def _uuid(value: str) -> Any:
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return uuid.UUID(int=0)


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


def _html_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status in (413, 415):
        from ishenzhen.errors import exception_handlers

        return exception_handlers()[HTTPException](request, exc)  # type: ignore[no-any-return]
    return html(pages.error_page("请求格式有误。The request is malformed."), 400 if status < 500 else 500)


class LoginController(Controller):
    path = "/oauth"
    tags = ["oauth"]
    exception_handlers = {HTTPException: _html_exception, ValidationException: _html_exception}  # noqa: RUF012

    @get(
        "/authorize",
        summary="Authorization endpoint: the sign-in page",
        responses=_HTML,
        media_type=MediaType.HTML,
    )
    async def authorize(
        self, request: Request, identity: NamedDependency[IdentityState], db_pool: NamedDependency[asyncpg.Pool],
        response_type: _Q = None, client_id: _Q = None, redirect_uri: _Q = None, scope_: _ScopeQ = None, state_: _StateQ = None,
        nonce: _Q = None, code_challenge: _Q = None, code_challenge_method: _Q = None, prompt: _Q = None,
        max_age: _Q = None, login_hint: _Q = None, acr_values: _Q = None,
    ) -> Response[str]:  # fmt: skip
        params = {k: v for k, v in request.query_params.items() if k in pages.OAUTH_FIELDS}
        datalist = {k: request.query_params.getall(k) for k in params}
        flow = identity.flow
        async with db_pool.acquire() as connection:
            existing = await flow.session(connection, request)
            subject = existing[0] if existing else None
            if subject is not None and _must_reauthenticate(subject, params):
                subject = None
            attempt = await flow.check(connection, params, datalist, subject)
            if isinstance(attempt, Response):
                return attempt
            if subject is not None and existing is not None:
                return await flow.resume(connection, attempt, subject, existing[1]["mobile"])
            return flow.login_form(attempt)

    @post("/authorize", summary="Sign in, send an SMS code, or choose the acting party", responses=_HTML,
          media_type=MediaType.HTML, status_code=200)  # fmt: skip
    async def login(
        self,
        request: Request,
        identity: NamedDependency[IdentityState],
        db_pool: NamedDependency[asyncpg.Pool],
        data: URLEncodedBody[AuthorizeForm],
    ) -> Response[str]:
        form = _form(data)
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie.encode(), form.get("csrf", "").encode()):
            return html(
                pages.error_page(
                    "表单已过期，请重新打开登录页。The form expired: open the sign-in page again."
                ),
                400,
            )
        params = {k: form[k] for k in pages.OAUTH_FIELDS if k in form}
        flow = identity.flow
        async with db_pool.acquire() as connection:
            existing = await flow.session(connection, request)
            attempt = await flow.check(connection, params, {k: [v] for k, v in params.items()}, None)
            if isinstance(attempt, Response):
                return attempt
            return await flow.login(connection, attempt, form, _address(request), existing)

    async def _end_session(
        self, request: Request, identity: IdentityState, db_pool: asyncpg.Pool, form: dict[str, str]
    ) -> Response[str]:
        session = request.cookies.get(SESSION_COOKIE)
        clear = [
            Cookie(key=SESSION_COOKIE, value="", path="/oauth", max_age=0, httponly=True, samesite="lax")
        ]
        target = form.get("post_logout_redirect_uri")
        client_id = form.get("client_id")
        if form.get("id_token_hint"):
            try:
                hint = jwt.decode(
                    form["id_token_hint"], identity.keys.public_keys, algorithms=[ALGORITHM]
                ).claims
            except (JoseError, ValueError, TypeError, KeyError):
                return html(pages.error_page("id_token_hint 无效。The id_token_hint is not valid."), 400)
            audience = hint.get("aud")
            client_id = client_id or (audience[0] if isinstance(audience, list) and audience else audience)
        async with db_pool.acquire() as connection:
            if session and len(session) <= 128:
                await queries.delete_session(connection, id_hash=hash_token(session))
                await accounts.audit(connection, "logout", address=_address(request), client_id=client_id)
            if target:
                client = (await identity.provider.load_clients(connection, [client_id or ""])).get(
                    client_id or ""
                )
                if client is None or target not in client.post_logout_redirect_uris:
                    return html(
                        pages.error_page("退出后的跳转地址未登记。That post-logout URI is not registered."),
                        400,
                    )
                location = target + (
                    ("&" if "?" in target else "?") + f"state={_quote(form['state'])}"
                    if form.get("state")
                    else ""
                )
                return redirect(location, clear)
        return html(pages.signed_out_page(), 200, None, clear)

    @get("/end-session", summary="RP-initiated logout", responses=_HTML, media_type=MediaType.HTML)
    async def end_session(
        self, request: Request, identity: NamedDependency[IdentityState], db_pool: NamedDependency[asyncpg.Pool],
        id_token_hint: Annotated[str | None, Parameter(max_length=8192)] = None, post_logout_redirect_uri: _Q = None,
        client_id: _Q = None, state_: _StateQ = None,
    ) -> Response[str]:  # fmt: skip
        form = {k: v for k, v in {"id_token_hint": id_token_hint, "post_logout_redirect_uri": post_logout_redirect_uri,
                                  "client_id": client_id, "state": state_}.items() if v}  # fmt: skip
        return await self._end_session(request, identity, db_pool, form)

    @post("/end-session", summary="RP-initiated logout (form post)", responses=_HTML, media_type=MediaType.HTML,
          status_code=200)  # fmt: skip
    async def end_session_post(
        self,
        request: Request,
        identity: NamedDependency[IdentityState],
        db_pool: NamedDependency[asyncpg.Pool],
        data: URLEncodedBody[EndSessionForm],
    ) -> Response[str]:
        return await self._end_session(request, identity, db_pool, _form(data))


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def _must_reauthenticate(subject: Any, params: dict[str, str]) -> bool:
    import time

    if "login" in params.get("prompt", "").split():
        return True
    max_age = params.get("max_age")
    if max_age is not None:
        if not max_age.isdigit():
            return True
        return time.time() - subject.auth_time.timestamp() > int(max_age)
    return False


class MeController(Controller):
    path = "/v1/me"
    tags = ["identity"]

    @get("", summary="The signed-in citizen, their assurance level and the parties they may act for",
         opt=requires("profile"), security=BEARER,
         dependencies={"principal": Provide(provide_principal, sync_to_thread=False)},
         responses={
             401: _spec(Problem, "No valid access token (see WWW-Authenticate)", "application/problem+json"),
             403: _spec(Problem, "The token lacks the profile scope", "application/problem+json"),
         })  # fmt: skip
    async def me(self, db_pool: NamedDependency[asyncpg.Pool], principal: NamedDependency[Principal]) -> Me:
        async with db_pool.acquire() as connection:
            account = await queries.account_by_id(connection, id=_uuid(principal.sub))
            if account is None:
                raise HTTPException(status_code=401, detail="the token's subject no longer exists",
                                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})  # fmt: skip
            parties = await accounts.parties_of(connection, account["id"])
        return Me(
            sub=str(account["id"]), mobile=account["mobile"], name=account["name"],
            assurance_level=f"L{account['assurance_level']}",  # type: ignore[arg-type]
            token_acr=principal.acr, acting_for=principal.party,
            parties=[
                PartyInfo(type="enterprise", credit_code=p.credit_code, name=p.name, role=p.role,  # type: ignore[arg-type]
                          scopes=list(p.scopes), expires_at=p.expires_at.isoformat() if p.expires_at else None)
                for p in parties
            ],
        )  # fmt: skip
