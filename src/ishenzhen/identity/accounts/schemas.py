"""Bodies of the account endpoints (``/v1/me``, verification, agent invitations and grants); errors are
problem+json."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from ishenzhen.lib.structs import Struct

__all__ = [
    "AgentGrant",
    "AgentGrantRequest",
    "AgentInvitation",
    "AgentInvitationSent",
    "AssuranceRaised",
    "FaceCheckRequest",
    "Me",
    "PartyInfo",
    "RealNameRequest",
]

Level = Literal["L1", "L2", "L3"]


class PartyInfo(Struct, frozen=True):
    type: Literal["enterprise"]
    credit_code: str
    name: str
    role: Literal["legal_representative", "agent"]
    scopes: list[str]
    expires_at: str | None


class Me(Struct, frozen=True):
    """The signed-in citizen: profile, assurance level and the parties they may act for."""

    sub: str
    mobile: str
    name: str | None
    assurance_level: Level
    token_acr: str | None
    acting_for: str | None
    parties: list[PartyInfo]


class RealNameRequest(Struct, frozen=True):
    """Name and resident ID number (GB 11643), checked against the population register."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    resident_id: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]


class FaceCheckRequest(Struct, frozen=True):
    """The face-check provider's token for the live capture the app just took."""

    liveness_token: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]


class AssuranceRaised(Struct, frozen=True):
    assurance_level: Level
    # The level of the token used for this request: unchanged until the app signs in again.
    token_acr: str | None
    detail: str


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


class AgentInvitationSent(Struct, frozen=True):
    """The invitation was recorded. The same answer for every number: whether anyone has it, and who, is
    for the invited citizen to tell by accepting."""

    invitation_id: str
    expires_at: str
    detail: str


class AgentInvitation(Struct, frozen=True):
    """An invitation to act for an enterprise, as the invited citizen sees it before answering."""

    invitation_id: str
    credit_code: str
    enterprise_name: str
    scopes: list[str]
    # Until when the grant would run once accepted, and until when the invitation can be accepted.
    grant_expires_at: str
    created_at: str
    expires_at: str
