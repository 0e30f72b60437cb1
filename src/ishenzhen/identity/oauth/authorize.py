"""The authorization endpoint's flow: check the request, find the session, log in, pick the party, issue.

The HTTP side of the sign-in pages (which page, redirect or cookie answers each step); what it reads and
writes goes through the services. An unknown client or a redirect URI that is not registered gets an error
page, never a redirect; once both are known good, authlib decides, and its errors go back to the client's
redirect URI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc6749 import OAuth2Error
from litestar import Request, Response
from litestar.datastructures import Cookie

from ishenzhen.db.types import Connection
from ishenzhen.errors import InvalidInput
from ishenzhen.identity import scopes
from ishenzhen.identity.accounts import service as accounts
from ishenzhen.identity.accounts import throttle
from ishenzhen.identity.hashing import new_token
from ishenzhen.identity.oauth import pages, service
from ishenzhen.identity.oauth.engine import ProviderRequest
from ishenzhen.identity.oauth.exchange import AuthorizeExchange
from ishenzhen.identity.oauth.models import Client, Subject
from ishenzhen.identity.oauth.service import SESSION_SECONDS, IdentityProvider

__all__ = [
    "CSRF_COOKIE",
    "REQUEST_OBJECT_FIELDS",
    "SESSION_COOKIE",
    "Attempt",
    "AuthorizationFlow",
    "html",
    "redirect",
]

SESSION_COOKIE = "isz_session"
CSRF_COOKIE = "isz_csrf"
_HTML_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
GENERIC_FAILURE = "手机号码或密码/验证码不正确。The mobile number, password or code is not correct."
THROTTLED = "尝试次数过多，请稍后再试。Too many attempts: try again later."
SMS_REQUIRED = (
    "该号码密码登录暂停，请使用短信验证码登录。Password sign-in is paused for this number: use an SMS code."
)
SMS_NOTICE = "如该号码已注册，验证码已发送。If this number has an account, a code is on its way."
# Request objects (OpenID Connect Core §6) are not supported; discovery says so (request_parameter_supported
# and request_uri_parameter_supported: false), and a request carrying one is answered with the matching error
# (§6.3.1 / §3.1.2.6) rather than run without the parameters the client put inside it.
REQUEST_OBJECT_FIELDS = {"request": "request_not_supported", "request_uri": "request_uri_not_supported"}


@dataclass(slots=True)
class Attempt:
    params: dict[str, str]
    client: Client
    request: ProviderRequest
    exchange: AuthorizeExchange
    grant: Any  # authlib's AuthorizationCodeGrant for this request (authlib's grants are untyped)


def _content_security_policy(redirect_uri: str | None) -> str:
    """Scripts and frames are never allowed; forms post to us, and may follow our redirect to the client.

    Browsers apply ``form-action`` to the redirects after a form post too, so a page whose form ends in the
    client's redirect URI must name that URI's origin (or, for an app's custom scheme, the scheme). The URI
    has already matched a registered one exactly, so it carries nothing but a scheme, a host and a port.
    """
    targets = "'self'"
    if redirect_uri:
        parts = urlsplit(redirect_uri)
        targets += (
            f" {parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else f" {parts.scheme}:"
        )
    return f"default-src 'none'; style-src 'unsafe-inline'; form-action {targets}; frame-ancestors 'none'"


def html(
    body: str,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    cookies: list[Cookie] | None = None,
    *,
    redirect_uri: str | None = None,
) -> Response[str]:
    security = {**_HTML_HEADERS, "Content-Security-Policy": _content_security_policy(redirect_uri)}
    return Response(
        body,
        status_code=status,
        media_type="text/html",
        headers={**security, **(headers or {})},
        cookies=cookies or [],
    )


def redirect(location: str, cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(
        "",
        status_code=302,
        headers={"Location": location, "Cache-Control": "no-store"},
        cookies=cookies or [],
        media_type="text/plain",
    )


class AuthorizationFlow:
    def __init__(self, provider: IdentityProvider, secure_cookies: bool) -> None:
        self.provider = provider
        self.secure = secure_cookies

    def cookie(self, name: str, value: str, max_age: int | None = None) -> Cookie:
        return Cookie(
            key=name,
            value=value,
            path="/oauth",
            httponly=True,
            samesite="lax",
            secure=self.secure,
            max_age=max_age,
        )

    # -- request checking ---------------------------------------------------------------------------------

    async def check(
        self,
        connection: Connection,
        params: dict[str, str],
        datalist: Mapping[str, list[str]],
        subject: Subject | None,
    ) -> Attempt | Response[str]:
        client_id, redirect_uri = params.get("client_id"), params.get("redirect_uri")
        if not client_id or len(datalist.get("client_id", [])) > 1:
            return html(pages.error_page("缺少或重复的 client_id。Missing or repeated client_id."), 400)
        client = (await self.provider.load_clients(connection, [client_id])).get(client_id)
        if client is None:
            return html(pages.error_page("未知的应用。Unknown client."), 400)
        if (
            not redirect_uri
            or len(datalist.get("redirect_uri", [])) > 1
            or not client.check_redirect_uri(redirect_uri)
        ):
            return html(
                pages.error_page("回调地址未登记。The redirect URI is not registered for this client."), 400
            )
        for name, error in REQUEST_OBJECT_FIELDS.items():
            if name in params:
                description = (
                    f"{name} is not supported: send the authorization request's parameters themselves"
                )
                return self._back_to_client(params, error, description)
        exchange = AuthorizeExchange(clients={client.client_id: client})
        request = ProviderRequest("GET", f"{self.provider.issuer}/oauth/authorize", {}, params, datalist)
        try:
            grant = self.provider.run(exchange, self.provider.server.get_consent_grant, request, subject)
        except OAuth2Error as error:
            status, _body, headers = self.provider.server.error_response(request, error)
            location = dict(headers).get("Location")
            if status == 302 and location:
                return redirect(location)
            return html(pages.error_page(error.description or error.error or "invalid_request"), 400)
        return Attempt(params, client, request, exchange, grant)

    async def session(
        self, connection: Connection, request: Request[Any, Any, Any]
    ) -> tuple[Subject, str] | None:
        """The browser's signed-in subject and its mobile number, from the session cookie."""
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie or len(cookie) > 128:
            return None
        return await service.find_session(connection, cookie)

    # -- outcomes -----------------------------------------------------------------------------------------

    async def issue(
        self,
        connection: Connection,
        attempt: Attempt,
        subject: Subject,
        cookies: list[Cookie] | None = None,
        *,
        consented: bool = False,
    ) -> Response[str]:
        """The one gate before a code: the requested assurance level, then consent (third parties only)."""
        prompt = attempt.params.get("prompt", "").split()
        required = scopes.requested_level(attempt.params.get("acr_values"))
        if subject.acr < required:
            if "none" in prompt:
                return self.refuse(
                    attempt, "unmet_authentication_requirements", f"this needs level L{required}"
                )
            csrf = new_token(16)
            body = pages.unmet_page(attempt.params, csrf, required)
            return html(
                body,
                403,
                None,
                [*(cookies or []), self.cookie(CSRF_COOKIE, csrf)],
                redirect_uri=attempt.params["redirect_uri"],
            )
        if not consented and not attempt.client.first_party:
            wanted = self.granted_scopes(attempt)
            if "consent" in prompt or not await service.consent_covers(
                connection, subject.account_id, attempt.client.client_id, wanted
            ):
                if "none" in prompt:
                    return self.refuse(
                        attempt, "consent_required", "the citizen has not consented to this client"
                    )
                csrf = new_token(16)
                body = pages.consent_page(attempt.params, csrf, attempt.client.name, wanted, subject.party)
                return html(
                    body,
                    200,
                    None,
                    [*(cookies or []), self.cookie(CSRF_COOKIE, csrf)],
                    redirect_uri=attempt.params["redirect_uri"],
                )
        server = self.provider.server
        _status, _body, headers = self.provider.run(
            attempt.exchange, server.authorization_response, attempt.request, subject, attempt.grant
        )
        location = dict(headers).get("Location", "")
        issued = attempt.exchange.issued_code
        if issued is not None:
            request = issued.request
            assert request.payload is not None, "the authorization request carries its parameters"
            await service.store_code(
                connection, issued.code, attempt.client, subject, request.payload.data, request.scope or ""
            )
        return redirect(location, cookies)

    @staticmethod
    def granted_scopes(attempt: Attempt) -> list[str]:
        """What the client would get: the requested scopes it is registered for, sorted (one row per set)."""
        return sorted(set(attempt.client.get_allowed_scope(attempt.request.scope or "").split()))

    def refuse(self, attempt: Attempt, error: str, description: str) -> Response[str]:
        """An RFC 6749 §4.1.2.1 error back at the (already checked) redirect URI, with ``state``."""
        return self._back_to_client(attempt.params, error, description)

    @staticmethod
    def _back_to_client(params: Mapping[str, str], error: str, description: str) -> Response[str]:
        answer = [("error", error), ("error_description", description)]
        if params.get("state"):
            answer.append(("state", params["state"]))
        return redirect(add_params_to_uri(params["redirect_uri"], answer))

    def login_form(self, attempt: Attempt, status: int = 200, **kwargs: Any) -> Response[str]:
        csrf = new_token(16)
        retry_after = kwargs.pop("retry_after", None)
        mobile = kwargs.pop("mobile", None) or attempt.params.get("login_hint", "")
        body = pages.login_page(attempt.params, csrf, attempt.client.name, mobile=mobile[:32], **kwargs)
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return html(
            body,
            status,
            headers,
            [self.cookie(CSRF_COOKIE, csrf)],
            redirect_uri=attempt.params["redirect_uri"],
        )

    async def party_or_issue(
        self,
        connection: Connection,
        attempt: Attempt,
        subject: Subject,
        mobile: str,
        cookies: list[Cookie],
    ) -> Response[str]:
        if "enterprise" in (attempt.request.scope or "").split():
            parties = await accounts.parties_of(connection, subject.account_id)
            if parties:
                csrf = new_token(16)
                body = pages.party_page(attempt.params, csrf, mobile, parties)
                return html(
                    body,
                    200,
                    None,
                    [*cookies, self.cookie(CSRF_COOKIE, csrf)],
                    redirect_uri=attempt.params["redirect_uri"],
                )
        return await self.issue(connection, attempt, subject, cookies)

    async def decide_consent(
        self, connection: Connection, attempt: Attempt, subject: Subject, decision: str | None, address: str
    ) -> Response[str]:
        wanted = self.granted_scopes(attempt)
        allowed = decision == "allow"
        await service.record_consent(
            connection, subject, attempt.client.client_id, wanted, allowed=allowed, address=address
        )
        if not allowed:
            return self.refuse(attempt, "access_denied", "the citizen did not allow access")
        return await self.issue(connection, attempt, subject, consented=True)

    async def resume(
        self, connection: Connection, attempt: Attempt, subject: Subject, mobile: str
    ) -> Response[str]:
        """A signed-in browser comes back; below the requested level, offer to sign in again (unless prompt=none)."""
        required = scopes.requested_level(attempt.params.get("acr_values"))
        if subject.acr < required and "none" not in attempt.params.get("prompt", "").split():
            return self.login_form(attempt, mobile=mobile, notice=pages.raise_level_notice(required))
        return await self.party_or_issue(connection, attempt, subject, mobile, [])

    # -- the posted login form ----------------------------------------------------------------------------

    async def login(
        self,
        connection: Connection,
        attempt: Attempt,
        form: Mapping[str, str],
        address: str,
        existing: tuple[Subject, str] | None,
    ) -> Response[str]:
        action = form.get("action")
        mobile = (form.get("mobile") or "").strip()
        if action == "unmet":
            return self.refuse(
                attempt, "unmet_authentication_requirements", "the account's assurance level is too low"
            )
        if action in ("party", "consent"):
            if existing is None:
                return self.login_form(attempt, 401, error=GENERIC_FAILURE)
            subject, _mobile = existing
            choice = form.get("party") or "self"
            if choice != "self":
                allowed = {p.credit_code for p in await accounts.parties_of(connection, subject.account_id)}
                if choice not in allowed:
                    return html(pages.error_page("无权代表该企业。You may not act for that enterprise."), 403)
                subject.party = choice
            if action == "party":
                return await self.issue(connection, attempt, subject)
            return await self.decide_consent(connection, attempt, subject, form.get("decision"), address)
        if action not in ("password", "sms", "send_sms") or not mobile:
            return self.login_form(attempt, 400, error=GENERIC_FAILURE)
        try:
            mobile = accounts.normalize_mobile(mobile)
        except InvalidInput:
            return self.login_form(
                attempt, 400, mobile=mobile, error="手机号码格式不正确。Not a mainland mobile number."
            )
        try:
            if action == "send_sms":
                await accounts.send_sms_code(connection, self.provider.throttle, mobile, address)
                return self.login_form(attempt, 200, mobile=mobile, notice=SMS_NOTICE)
            if action == "password":
                account = await accounts.authenticate_password(
                    connection, self.provider.throttle, mobile, form.get("password") or "", address
                )
            else:
                account = await accounts.authenticate_sms(
                    connection, self.provider.throttle, mobile, form.get("sms_code") or "", address
                )
        except throttle.Throttled as exc:
            error = SMS_REQUIRED if exc.limit.name == "login_account_failures" else THROTTLED
            return self.login_form(attempt, 429, mobile=mobile, error=error, retry_after=exc.retry_after)
        except accounts.LoginFailed:
            return self.login_form(attempt, 401, mobile=mobile, error=GENERIC_FAILURE)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        subject = Subject(
            account.id, account.assurance_level, ["pwd" if action == "password" else "sms"], now
        )
        session_id = await service.open_session(connection, subject)
        cookies = [self.cookie(SESSION_COOKIE, session_id, SESSION_SECONDS)]
        return await self.party_or_issue(connection, attempt, subject, mobile, cookies)
