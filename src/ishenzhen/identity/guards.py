"""Protecting the API: bearer access tokens verified locally, scopes checked by guards.

``opt=requires("profile")`` marks a handler as protected; the app's before-request hook (``enforce_bearer``)
refuses tokens in the query string, takes the token from the Authorization header (or, where the handler
allows it, from a form-encoded POST body: RFC 6750 §2.2), verifies the JWT against the key ring in memory
(iss, aud, exp, typ, alg), refuses a revoked one (the revocation list every instance holds in memory, one dict
lookup) and names any missing scope. Failures are 401 or 403
problem+json with an RFC 6750 ``WWW-Authenticate`` header.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

from ishenzhen.identity.oauth.tokens import InvalidToken
from ishenzhen.identity.scopes import level_of, min_level_for

__all__ = [
    "BEARER_OPT",
    "BearerRequirement",
    "Principal",
    "authenticate",
    "enforce_bearer",
    "provide_principal",
    "requires",
]

_REALM = 'Bearer realm="ishenzhen"'


@dataclass(frozen=True, slots=True)
class Principal:
    sub: str
    client_id: str
    scopes: frozenset[str]
    acr: str | None
    party: str | None
    claims: dict[str, Any]


def _unauthorized(detail: str, error: str | None = "invalid_token") -> NotAuthorizedException:
    challenge = _REALM if error is None else f'{_REALM}, error="{error}", error_description="{detail}"'
    return NotAuthorizedException(detail=detail, headers={"WWW-Authenticate": challenge})


def _authorization(scope: Any) -> str | None:
    # Straight from the ASGI scope: building litestar's Headers per request costs more than the lookup.
    for name, value in scope["headers"]:
        if name == b"authorization" or (len(name) == 13 and name.lower() == b"authorization"):
            header: str = value.decode("latin-1")
            return header
    return None


async def _form_body_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """``access_token`` of a form-encoded POST body (RFC 6750 §2.2: only there, never for GET)."""
    if not isinstance(connection, Request) or connection.method != "POST":
        return None
    media_type, _ = connection.content_type
    if media_type != "application/x-www-form-urlencoded":
        return None
    sent = (await connection.form()).getall("access_token", [])
    if len(sent) > 1:
        raise _unauthorized("send one access_token", "invalid_request")
    return str(sent[0]) if sent else None


async def authenticate(
    connection: ASGIConnection[Any, Any, Any, Any], *, form_body: bool = False
) -> Principal:
    if (
        b"access_token" in connection.scope.get("query_string", b"")
        and "access_token" in connection.query_params
    ):
        # RFC 6750 §2.3 allows it, but a URI ends up in logs and browser history: refused everywhere.
        where = (
            "the Authorization header or a form-encoded POST body"
            if form_body
            else "the Authorization header"
        )
        raise _unauthorized(f"access tokens are accepted in {where} only", "invalid_request")
    header = _authorization(connection.scope)
    in_body = await _form_body_token(connection) if form_body else None
    if header and in_body is not None:
        # RFC 6750 §2: a client must not use more than one method to transmit the token.
        raise _unauthorized("send the access token in the header or the body, not both", "invalid_request")
    if in_body is not None:
        token = in_body
    elif not header:
        raise _unauthorized("a bearer access token is required", None)
    else:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            raise _unauthorized("use the Bearer scheme", "invalid_request")
    if not token.strip():
        raise _unauthorized("use the Bearer scheme", "invalid_request")
    identity = connection.app.state.identity
    try:
        claims = identity.provider.verifier.verify(token.strip())
    except InvalidToken as exc:
        keys = identity.keys
        # A key published since our last load (rotation): reload at most every few seconds, then retry.
        if time.monotonic() - keys.loaded_at < 5:
            raise _unauthorized(str(exc)) from None
        await keys.load()
        try:
            claims = identity.provider.verifier.verify(token.strip())
        except InvalidToken as again:
            raise _unauthorized(str(again)) from None
    if claims["jti"] in identity.provider.revocations:
        raise _unauthorized("the access token has been revoked")
    party = claims.get("party")
    return Principal(
        sub=claims["sub"],
        client_id=claims["client_id"],
        scopes=frozenset(claims.get("scope", "").split()),
        acr=claims.get("acr"),
        party=party.get("id") if isinstance(party, dict) else None,
        claims=claims,
    )


@dataclass(frozen=True, slots=True)
class BearerRequirement:
    """What a protected handler needs: a valid bearer token with ``scopes``, issued at ``level`` or higher."""

    scopes: tuple[str, ...]
    level: int
    form_body: bool = False

    async def enforce(self, connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
        principal = await authenticate(connection, form_body=self.form_body)
        missing = [scope for scope in self.scopes if scope not in principal.scopes]
        if missing:
            wanted = " ".join(self.scopes)
            raise PermissionDeniedException(
                detail=f"the access token lacks scope {' '.join(missing)}",
                headers={"WWW-Authenticate": f'{_REALM}, error="insufficient_scope", scope="{wanted}"'},
            )
        needed = self.level
        if needed and level_of(principal.acr) < needed:
            detail = (
                f"this needs assurance level L{needed}; the access token was issued at {principal.acr or 'no level'}: "
                f"raise the account's level, then sign in again with acr_values=L{needed}"
            )
            raise PermissionDeniedException(
                detail=detail,
                headers={
                    "WWW-Authenticate": f'{_REALM}, error="insufficient_user_authentication", '
                    f'error_description="needs L{needed}", acr_values="L{needed}"'
                },
            )
        connection.scope.setdefault("state", {})["principal"] = principal
        return principal


def requires(
    *scopes: str, min_level: int | None = None, form_body: bool = False
) -> dict[str, BearerRequirement]:
    """Handler ``opt`` for a protected route: ``@get(..., opt=requires("profile"))``.

    ``min_level`` defaults to the highest level the scopes need (``scopes.MIN_LEVEL``). A token below it is
    403 naming the level, with RFC 9470's ``insufficient_user_authentication`` challenge and ``acr_values``
    so the client knows what to ask /oauth/authorize for. ``form_body`` also accepts the token as the
    ``access_token`` of a form-encoded POST body (RFC 6750 §2.2); only userinfo does, as OpenID Connect
    clients (pyoidc by default) send it there.

    Not a litestar guard: litestar copies the route handler for every guard call on every request, which
    cost a quarter of a protected endpoint's throughput. ``enforce_bearer`` runs in the app's before-request
    hook instead, before any parameter or body is parsed, so an anonymous caller learns nothing else.
    """
    level = max(min_level or 0, min_level_for(scopes))
    return {BEARER_OPT: BearerRequirement(scopes, level, form_body)}


BEARER_OPT = "bearer"


async def enforce_bearer(request: Request[Any, Any, Any]) -> None:
    requirement = request.route_handler.opt.get(BEARER_OPT)
    if requirement is not None:
        await requirement.enforce(request)


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The verified caller of a protected handler (``enforce_bearer`` put it there), as a dependency."""
    principal: Principal = request.scope["state"]["principal"]
    return principal
