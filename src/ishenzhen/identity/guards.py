"""Protecting the API: bearer access tokens verified locally, scopes checked by guards.

``requires("profile")`` is a litestar guard: it refuses tokens in the query string, verifies the JWT against
the key ring in memory (iss, aud, exp, typ, alg) and names any missing scope. Failures are 401 or 403
problem+json with an RFC 6750 ``WWW-Authenticate`` header.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from ishenzhen.identity.tokens import InvalidToken

__all__ = ["Principal", "authenticate", "provide_principal", "requires"]

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


async def authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    if "access_token" in connection.query_params:
        raise _unauthorized("access tokens are accepted in the Authorization header only", "invalid_request")
    header = connection.headers.get("authorization")
    if not header:
        raise _unauthorized("a bearer access token is required", None)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
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
    party = claims.get("party")
    return Principal(
        sub=claims["sub"], client_id=claims["client_id"], scopes=frozenset(claims.get("scope", "").split()),
        acr=claims.get("acr"), party=party.get("id") if isinstance(party, dict) else None, claims=claims,
    )  # fmt: skip


def requires(*scopes: str) -> Guard:
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        principal = await authenticate(connection)
        missing = [scope for scope in scopes if scope not in principal.scopes]
        if missing:
            wanted = " ".join(scopes)
            raise PermissionDeniedException(
                detail=f"the access token lacks scope {' '.join(missing)}",
                headers={"WWW-Authenticate": f'{_REALM}, error="insufficient_scope", scope="{wanted}"'},
            )
        connection.scope.setdefault("state", {})["principal"] = principal

    return guard


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    return request.scope["state"]["principal"]  # type: ignore[no-any-return]
