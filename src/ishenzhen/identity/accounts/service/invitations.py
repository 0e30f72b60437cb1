"""Agent grants (经办人) as invitations: the legal representative invites a mobile number, the citizen accepts.

The answer to the legal representative is the same for every well-formed number, registered or not, verified
or not (no name, no account, no error that tells them apart), and the endpoint is rate-limited per enterprise
and per representative, so it is no longer a way to look real names up. The grant exists only once the
citizen with that number, signed in, accepts; by then they must be verified (L2 or higher).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from ishenzhen.db.types import Connection
from ishenzhen.errors import Conflict, NotFound, PermissionDenied
from ishenzhen.identity.accounts import throttle
from ishenzhen.identity.accounts._sql import queries
from ishenzhen.identity.accounts.models import Party
from ishenzhen.identity.accounts.service._shared import audit
from ishenzhen.identity.accounts.service._shared import field_error as _field
from ishenzhen.identity.accounts.service.enterprises import (
    MAX_AGENT_GRANT,
    grant_enterprise_role,
    party_of,
    represented_enterprise,
)
from ishenzhen.identity.accounts.service.people import account_of, normalize_mobile
from ishenzhen.identity.scopes import AGENT_SCOPES

__all__ = [
    "INVITATION_LIFETIME",
    "INVITE_LIMITS",
    "AgentInvitation",
    "InvitationSent",
    "accept_agent_invitation",
    "agent_invitations_of",
    "decline_agent_invitation",
    "invite_agent",
]

INVITATION_LIFETIME = dt.timedelta(days=7)
# Invitations per hour for one enterprise and for one representative: enough for onboarding a team, far too
# few to sweep numbers.
INVITE_LIMITS = (
    throttle.Limit("agent_invite_enterprise", 20, 3600),
    throttle.Limit("agent_invite_account", 30, 3600),
)


@dataclass(frozen=True, slots=True)
class InvitationSent:
    """What the legal representative learns: that an invitation was recorded, and until when it stands."""

    id: uuid.UUID
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AgentInvitation:
    """A pending invitation, as the invited citizen sees it."""

    id: uuid.UUID
    credit_code: str
    enterprise_name: str
    scopes: tuple[str, ...]
    grant_expires_at: dt.datetime
    created_at: dt.datetime
    expires_at: dt.datetime


async def invite_agent(
    connection: Connection,
    sub: str,
    credit_code: str,
    mobile: str,
    scopes: Collection[str],
    expires_at: dt.datetime,
    *,
    address: str,
    limiter: throttle.Throttle,
) -> InvitationSent:
    """The legal representative ``sub`` invites the holder of ``mobile`` to act for the enterprise with
    ``scopes`` (some of ``AGENT_SCOPES``) until ``expires_at``; ``throttle.Throttled`` past ``INVITE_LIMITS``."""
    unknown = sorted(set(scopes) - AGENT_SCOPES)
    if unknown:
        raise _field("scopes", f"not scopes an agent can hold: {' '.join(unknown)}")
    now = dt.datetime.now(dt.UTC)
    if expires_at.tzinfo is None or not now < expires_at <= now + MAX_AGENT_GRANT:
        raise _field("expires_at", "a future time with a UTC offset, at most three years ahead")
    number = normalize_mobile(mobile)  # the format only: it says nothing about who has the number
    code = await represented_enterprise(connection, sub, credit_code)
    caller = await account_of(connection, sub)
    if caller.mobile == number:
        # The caller knows their own number: refusing it tells them nothing new.
        raise Conflict("that is the legal representative's own number")
    # Counted only for a caller who represents the enterprise: nobody else can spend its budget.
    await limiter.hit_all([(INVITE_LIMITS[0], code), (INVITE_LIMITS[1], str(caller.id))])
    invitation_id = uuid.uuid4()
    until = min(now + INVITATION_LIFETIME, expires_at)
    granted = sorted(set(scopes))
    await queries.insert_agent_invitation(
        connection,
        id=invitation_id,
        credit_code=code,
        invited_by=caller.id,
        mobile=number,
        scopes=granted,
        grant_expires_at=expires_at,
        expires_at=until,
    )
    await audit(
        connection,
        "enterprise.agent_invited",
        account_id=caller.id,
        address=address,
        credit_code=code,
        invitation=str(invitation_id),
        scopes=granted,
        expires_at=expires_at.isoformat(),
    )
    return InvitationSent(invitation_id, until)


async def agent_invitations_of(connection: Connection, sub: str) -> list[AgentInvitation]:
    """The pending, unexpired invitations to the signed-in citizen's number, newest first."""
    account = await account_of(connection, sub)
    return [
        AgentInvitation(
            row["id"],
            row["credit_code"].strip(),
            row["enterprise_name"],
            tuple(row["scopes"]),
            row["grant_expires_at"],
            row["created_at"],
            row["expires_at"],
        )
        async for row in queries.pending_agent_invitations(connection, mobile=account.mobile)
    ]


def _invitation_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise NotFound("no pending invitation with this id") from None


async def accept_agent_invitation(
    connection: Connection, sub: str, invitation_id: str, *, address: str
) -> Party:
    """The invited citizen accepts: the grant is made (they must be L2+) and the invitation is used up."""
    account = await account_of(connection, sub)
    wanted = _invitation_id(invitation_id)
    if account.assurance_level < 2:
        raise PermissionDenied(
            "only a citizen with a verified real name (L2 or higher) can act for an enterprise: "
            "verify your real name, then accept again"
        )
    async with connection.transaction():
        row = await queries.answer_agent_invitation(
            connection, id=wanted, mobile=account.mobile, answer="accepted"
        )
        if row is None:
            raise NotFound("no pending invitation with this id")
        code = row["credit_code"].strip()
        existing = await queries.enterprise_role(connection, credit_code=code, account_id=account.id)
        if existing is not None and existing["role"] == "legal_representative":
            raise Conflict("you are this enterprise's legal representative already")
        await grant_enterprise_role(
            connection,
            code,
            account.id,
            "agent",
            scopes=list(row["scopes"]),
            expires_at=row["grant_expires_at"],
        )
        await audit(
            connection,
            "enterprise.agent_invitation_accepted",
            account_id=account.id,
            address=address,
            credit_code=code,
            invitation=str(wanted),
            invited_by=str(row["invited_by"]),
        )
    party = await party_of(connection, account.id, code)
    assert party is not None, "the grant made in this transaction is missing"
    return party


async def decline_agent_invitation(
    connection: Connection, sub: str, invitation_id: str, *, address: str
) -> None:
    account = await account_of(connection, sub)
    wanted = _invitation_id(invitation_id)
    row = await queries.answer_agent_invitation(
        connection, id=wanted, mobile=account.mobile, answer="declined"
    )
    if row is None:
        raise NotFound("no pending invitation with this id")
    await audit(
        connection,
        "enterprise.agent_invitation_declined",
        account_id=account.id,
        address=address,
        credit_code=row["credit_code"].strip(),
        invitation=str(wanted),
    )
