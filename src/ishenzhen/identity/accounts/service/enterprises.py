"""Enterprises and who may act for them: legal representatives and agents (经办人) with scopes and expiry.

Only the legal representative (checked in the database, not from the token) invites (``invitations``), lists
and revokes agents; an enterprise the caller does not represent is ``NotFound``, exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from ishenzhen.db.types import Connection
from ishenzhen.errors import NotFound, PermissionDenied
from ishenzhen.identity.accounts._sql import queries
from ishenzhen.identity.accounts.models import Party
from ishenzhen.identity.accounts.service._shared import audit
from ishenzhen.identity.accounts.service._shared import field_error as _field
from ishenzhen.identity.accounts.service._shared import parse_account_id as _account_id
from ishenzhen.lib.validators import is_valid_credit_code, normalize_identifier

__all__ = [
    "MAX_AGENT_GRANT",
    "ROLES",
    "AgentGrant",
    "add_enterprise",
    "agents_of",
    "grant_enterprise_role",
    "parties_of",
    "party_of",
    "represented_enterprise",
    "revoke_agent",
]

ROLES = frozenset({"legal_representative", "agent"})


MAX_AGENT_GRANT = dt.timedelta(days=3 * 366)


@dataclass(frozen=True, slots=True)
class AgentGrant:
    """An agent's authorisation for an enterprise, as the legal representative sees it."""

    credit_code: str
    agent_id: uuid.UUID
    name: str | None
    scopes: tuple[str, ...]
    expires_at: dt.datetime


async def add_enterprise(connection: Connection, credit_code: str, name: str, *, demo: bool = False) -> str:
    credit_code = normalize_identifier(credit_code)
    if not is_valid_credit_code(credit_code):
        raise _field("credit_code", "not a valid unified social credit code (GB 32100)")
    await queries.insert_enterprise(connection, credit_code=credit_code, name=name, demo=demo)
    return credit_code


async def grant_enterprise_role(
    connection: Connection,
    credit_code: str,
    account_id: uuid.UUID,
    role: str,
    *,
    scopes: list[str] | None = None,
    expires_at: dt.datetime | None = None,
) -> None:
    """Make an L2+ citizen the legal representative or an agent (with scopes and an expiry) of an enterprise."""
    if role not in ROLES:
        raise _field("role", "legal_representative or agent")
    if role == "agent" and expires_at is None:
        raise _field("expires_at", "an agent's authorisation needs an expiry")
    account = await queries.account_by_id(connection, id=account_id)
    if account is None or account["assurance_level"] < 2:
        raise PermissionDenied(
            "only a citizen with a verified real name (L2 or higher) can act for an enterprise"
        )
    await queries.upsert_enterprise_role(
        connection,
        credit_code=credit_code,
        account_id=account_id,
        role=role,
        scopes=scopes or [],
        expires_at=expires_at,
    )
    await audit(
        connection, "enterprise.role_granted", account_id=account_id, credit_code=credit_code, role=role
    )


async def parties_of(connection: Connection, account_id: uuid.UUID) -> list[Party]:
    rows = [row async for row in queries.parties_of(connection, account_id=account_id)]
    return [
        Party(r["credit_code"].strip(), r["name"], r["role"], tuple(r["scopes"]), r["expires_at"])
        for r in rows
    ]


async def party_of(connection: Connection, account_id: uuid.UUID, credit_code: str) -> Party | None:
    """The enterprise ``credit_code`` if the account may (still) act for it."""
    return next((p for p in await parties_of(connection, account_id) if p.credit_code == credit_code), None)


async def represented_enterprise(connection: Connection, sub: str, credit_code: str) -> str:
    """The normalised credit code of an enterprise whose legal representative is ``sub`` (checked in the
    database, not from the token); ``NotFound`` for any other, exactly like one that does not exist."""
    code = normalize_identifier(credit_code)
    if not is_valid_credit_code(code):
        raise _field("credit_code", "not a valid unified social credit code (GB 32100)", "path")
    caller = _account_id(sub)
    if caller is None:
        raise NotFound("no such enterprise")
    role = await queries.enterprise_role(connection, credit_code=code, account_id=caller)
    if role is None or role["role"] != "legal_representative":
        raise NotFound("no such enterprise")
    return code


async def agents_of(connection: Connection, sub: str, credit_code: str) -> list[AgentGrant]:
    """The agents of an enterprise ``sub`` represents whose authorisation has not expired, newest first."""
    code = await represented_enterprise(connection, sub, credit_code)
    return [
        AgentGrant(code, row["account_id"], row["name"], tuple(row["scopes"]), row["expires_at"])
        async for row in queries.agents_of(connection, credit_code=code)
    ]


async def revoke_agent(
    connection: Connection, sub: str, credit_code: str, agent_sub: str, *, address: str
) -> None:
    """The legal representative ``sub`` takes an agent's authorisation back; ``NotFound`` if there is none."""
    code = await represented_enterprise(connection, sub, credit_code)
    agent_id = _account_id(agent_sub)
    if (
        agent_id is None
        or await queries.revoke_agent(connection, credit_code=code, account_id=agent_id) is None
    ):
        raise NotFound("no such agent")
    await audit(
        connection,
        "enterprise.agent_revoked",
        account_id=uuid.UUID(sub),
        address=address,
        credit_code=code,
        agent=agent_sub,
    )
