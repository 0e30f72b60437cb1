"""Agent grants (经办人): an enterprise's legal representative lets an L2+ citizen act for it, with scopes and an
expiry, and takes it back.

Only the legal representative (checked in the database, not from the token) may do this, with an L2+ token
carrying the ``enterprise`` scope. An enterprise the caller does not represent is 404, exactly like one that
does not exist (OWASP API1).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import asyncpg
import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter

from ishenzhen.errors import Conflict, FieldError, InvalidInput, NotFound, problem_spec
from ishenzhen.identity import accounts
from ishenzhen.identity._http import _address
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.identity.scopes import AGENT_SCOPES
from ishenzhen.lib.structs import Struct
from ishenzhen.lib.validators import is_valid_credit_code, normalize_identifier

__all__ = ["AgentGrant", "AgentGrantRequest", "EnterpriseAgentsController"]

MAX_GRANT = dt.timedelta(days=3 * 366)
_CreditCode = Annotated[str, PathParameter(min_length=1, max_length=32)]


class AgentGrantRequest(Struct, frozen=True):
    """Who (by mobile number), what they may do for the enterprise, and until when (at most three years)."""

    mobile: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    scopes: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=64)]], msgspec.Meta(min_length=1, max_length=8)
    ]
    expires_at: dt.datetime


class AgentGrant(Struct, frozen=True):
    credit_code: str
    agent_sub: str
    name: str | None
    scopes: list[str]
    expires_at: str


def _invalid(name: str, reason: str, location: str = "body") -> InvalidInput:
    return InvalidInput(f"{name}: {reason}", errors=[FieldError(location=location, name=name, reason=reason)])


async def _represented(connection: asyncpg.Connection, principal: Principal, credit_code: str) -> str:
    code = normalize_identifier(credit_code)
    if not is_valid_credit_code(code):
        raise _invalid("credit_code", "not a valid unified social credit code (GB 32100)", "path")
    try:
        caller = uuid.UUID(principal.sub)
    except ValueError:
        raise NotFound("no such enterprise") from None
    role = await accounts.queries.enterprise_role(connection, credit_code=code, account_id=caller)
    if role is None or role["role"] != "legal_representative":
        raise NotFound("no such enterprise")
    return code


_GUARD = {
    "opt": requires("enterprise", min_level=2),
    "security": [{"bearer": []}],
    "dependencies": {"principal": Provide(provide_principal, sync_to_thread=False)},
}
_ERRORS = {
    400: problem_spec("Malformed credit code"),
    401: problem_spec("No valid access token (see WWW-Authenticate)"),
    403: problem_spec("The token lacks the enterprise scope or was issued below L2"),
    404: problem_spec("No enterprise the caller represents has this credit code (or no such agent)"),
}


class EnterpriseAgentsController(Controller):
    path = "/v1/enterprises/{credit_code:str}/agents"
    tags = ["identity"]

    @post("", summary="Grant an agent (经办人) scopes for the enterprise until an expiry (legal representative)",
          responses={**_ERRORS, 409: problem_spec("That citizen is the legal representative"),
                     422: problem_spec("Unknown or unverified agent, scopes or expiry")}, **_GUARD)  # type: ignore[arg-type]  # fmt: skip
    async def grant(
        self, request: Request, db_pool: NamedDependency[asyncpg.Pool], principal: NamedDependency[Principal],
        credit_code: _CreditCode, data: JSONBody[AgentGrantRequest],
    ) -> AgentGrant:  # fmt: skip
        unknown = sorted(set(data.scopes) - AGENT_SCOPES)
        if unknown:
            raise _invalid("scopes", f"not scopes an agent can hold: {' '.join(unknown)}")
        expires_at = data.expires_at
        now = dt.datetime.now(dt.UTC)
        if expires_at.tzinfo is None or not now < expires_at <= now + MAX_GRANT:
            raise _invalid("expires_at", "a future time with a UTC offset, at most three years ahead")
        async with db_pool.acquire() as connection:
            code = await _represented(connection, principal, credit_code)
            agent = await accounts.queries.account_by_mobile(connection, mobile=data.mobile.strip())
            if agent is None or agent["assurance_level"] < 2:
                raise _invalid(
                    "mobile", "no citizen with a verified real name (L2 or higher) has this number"
                )
            existing = await accounts.queries.enterprise_role(
                connection, credit_code=code, account_id=agent["id"]
            )
            if existing is not None and existing["role"] == "legal_representative":
                raise Conflict("that citizen is the enterprise's legal representative")
            scopes = sorted(set(data.scopes))
            await accounts.grant_enterprise_role(
                connection, code, agent["id"], "agent", scopes=scopes, expires_at=expires_at
            )
            await accounts.audit(connection, "enterprise.agent_granted", account_id=uuid.UUID(principal.sub),
                                 address=_address(request), credit_code=code, agent=str(agent["id"]),
                                 scopes=scopes, expires_at=expires_at.isoformat())  # fmt: skip
        return AgentGrant(credit_code=code, agent_sub=str(agent["id"]), name=agent["name"], scopes=scopes,
                          expires_at=expires_at.isoformat())  # fmt: skip

    @get("", summary="The enterprise's current agents and what each may do (legal representative)",
         responses=_ERRORS, **_GUARD)  # type: ignore[arg-type]  # fmt: skip
    async def list_agents(
        self,
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
        credit_code: _CreditCode,
    ) -> list[AgentGrant]:
        async with db_pool.acquire() as connection:
            code = await _represented(connection, principal, credit_code)
            rows = [row async for row in accounts.queries.agents_of(connection, credit_code=code)]
        return [
            AgentGrant(credit_code=code, agent_sub=str(row["account_id"]), name=row["name"],
                       scopes=list(row["scopes"]), expires_at=row["expires_at"].isoformat())
            for row in rows
        ]  # fmt: skip

    @delete("/{agent_sub:str}", summary="Revoke an agent's authorisation (legal representative)",
            responses=_ERRORS, **_GUARD)  # type: ignore[arg-type]  # fmt: skip
    async def revoke(
        self, request: Request, db_pool: NamedDependency[asyncpg.Pool], principal: NamedDependency[Principal],
        credit_code: _CreditCode, agent_sub: Annotated[str, PathParameter(max_length=64)],
    ) -> None:  # fmt: skip
        async with db_pool.acquire() as connection:
            code = await _represented(connection, principal, credit_code)
            try:
                agent_id = uuid.UUID(agent_sub)
            except ValueError:
                raise NotFound("no such agent") from None
            if await accounts.queries.revoke_agent(connection, credit_code=code, account_id=agent_id) is None:
                raise NotFound("no such agent")
            await accounts.audit(connection, "enterprise.agent_revoked", account_id=uuid.UUID(principal.sub),
                                 address=_address(request), credit_code=code, agent=agent_sub)  # fmt: skip
