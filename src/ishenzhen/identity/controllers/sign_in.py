"""HTTP only: the server-rendered sign-in, acting-party, consent and end-session pages (HTML answers)."""

from __future__ import annotations

import hmac
import time
from typing import Annotated, Any
from urllib.parse import quote

import asyncpg
from joserfc import jwt
from joserfc.errors import JoseError
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import Parameter, QueryParameter, URLEncodedBody

from ishenzhen.errors import exception_handlers
from ishenzhen.identity.controllers._http import HTML_RESPONSES as _HTML
from ishenzhen.identity.controllers._http import Query as _Q
from ishenzhen.identity.controllers._http import ScopeQuery as _ScopeQ
from ishenzhen.identity.controllers._http import StateQuery as _StateQ
from ishenzhen.identity.controllers._http import form_values
from ishenzhen.identity.oauth import pages, service
from ishenzhen.identity.oauth.authorize import (
    CSRF_COOKIE,
    REQUEST_OBJECT_FIELDS,
    SESSION_COOKIE,
    html,
    redirect,
)
from ishenzhen.identity.oauth.keys import SIGNING_ALGORITHMS
from ishenzhen.identity.oauth.models import Subject
from ishenzhen.identity.oauth.schemas import AuthorizeForm, EndSessionForm
from ishenzhen.identity.state import IdentityState
from ishenzhen.lib.http import client_address

__all__ = ["LoginController"]

# Declared so the API document lists them; both are refused (``REQUEST_OBJECT_FIELDS``).
_RequestObject = Annotated[
    str | None,
    QueryParameter(
        name="request", max_length=16384, description="Not supported: answered request_not_supported"
    ),
]
_AUTHORIZE_FIELDS = frozenset(pages.OAUTH_FIELDS) | REQUEST_OBJECT_FIELDS.keys()


def _html_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status in (413, 415):
        problem: Response[Any] = exception_handlers()[HTTPException](request, exc)
        return problem
    return html(pages.error_page("请求格式有误。The request is malformed."), 400 if status < 500 else 500)


class LoginController(Controller):
    path = "/oauth"
    tags = ["oauth"]
    exception_handlers = {HTTPException: _html_exception, ValidationException: _html_exception}

    @get(
        "/authorize",
        summary="Authorization endpoint: the sign-in page",
        responses=_HTML,
        media_type=MediaType.HTML,
    )
    async def authorize(
        self,
        request: Request[Any, Any, Any],
        identity: NamedDependency[IdentityState],
        db_pool: NamedDependency[asyncpg.Pool],
        response_type: _Q = None,
        client_id: _Q = None,
        redirect_uri: _Q = None,
        scope_: _ScopeQ = None,
        state_: _StateQ = None,
        nonce: _Q = None,
        code_challenge: _Q = None,
        code_challenge_method: _Q = None,
        prompt: _Q = None,
        max_age: _Q = None,
        login_hint: _Q = None,
        acr_values: _Q = None,
        request_uri: _Q = None,
        request_object: _RequestObject = None,
    ) -> Response[str]:
        params = {k: v for k, v in request.query_params.items() if k in _AUTHORIZE_FIELDS}
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
                return await flow.resume(connection, attempt, subject, existing[1])
            return flow.login_form(attempt)

    @post(
        "/authorize",
        summary="Sign in, send an SMS code, or choose the acting party",
        responses=_HTML,
        media_type=MediaType.HTML,
        status_code=200,
    )
    async def login(
        self,
        request: Request[Any, Any, Any],
        identity: NamedDependency[IdentityState],
        db_pool: NamedDependency[asyncpg.Pool],
        data: URLEncodedBody[AuthorizeForm],
    ) -> Response[str]:
        form = form_values(data)
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
            return await flow.login(connection, attempt, form, client_address(request), existing)

    async def _end_session(
        self,
        request: Request[Any, Any, Any],
        identity: IdentityState,
        db_pool: asyncpg.Pool,
        form: dict[str, str],
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
                    form["id_token_hint"], identity.keys.public_keys, algorithms=list(SIGNING_ALGORITHMS)
                ).claims
            except (JoseError, ValueError, TypeError, KeyError):
                return html(pages.error_page("id_token_hint 无效。The id_token_hint is not valid."), 400)
            audience = hint.get("aud")
            hinted = audience[0] if isinstance(audience, list) and audience else audience
            client_id = client_id or (hinted if isinstance(hinted, str) else None)
        async with db_pool.acquire() as connection:
            await service.close_session(
                connection, session, client_id=client_id, address=client_address(request)
            )
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
        self,
        request: Request[Any, Any, Any],
        identity: NamedDependency[IdentityState],
        db_pool: NamedDependency[asyncpg.Pool],
        id_token_hint: Annotated[str | None, Parameter(max_length=8192)] = None,
        post_logout_redirect_uri: _Q = None,
        client_id: _Q = None,
        state_: _StateQ = None,
    ) -> Response[str]:
        form = {
            k: v
            for k, v in {
                "id_token_hint": id_token_hint,
                "post_logout_redirect_uri": post_logout_redirect_uri,
                "client_id": client_id,
                "state": state_,
            }.items()
            if v
        }
        return await self._end_session(request, identity, db_pool, form)

    @post(
        "/end-session",
        summary="RP-initiated logout (form post)",
        responses=_HTML,
        media_type=MediaType.HTML,
        status_code=200,
    )
    async def end_session_post(
        self,
        request: Request[Any, Any, Any],
        identity: NamedDependency[IdentityState],
        db_pool: NamedDependency[asyncpg.Pool],
        data: URLEncodedBody[EndSessionForm],
    ) -> Response[str]:
        return await self._end_session(request, identity, db_pool, form_values(data))


def _quote(value: str) -> str:
    return quote(value, safe="")


def _must_reauthenticate(subject: Subject, params: dict[str, str]) -> bool:
    if "login" in params.get("prompt", "").split():
        return True
    max_age = params.get("max_age")
    if max_age is not None:
        if not max_age.isdigit():
            return True
        return time.time() - subject.auth_time.timestamp() > int(max_age)
    return False
