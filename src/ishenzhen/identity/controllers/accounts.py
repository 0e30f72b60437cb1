"""HTTP only: ``/v1/me`` (the signed-in citizen), raising its assurance level, and agent grants (经办人).

Everything here is bearer-protected and answers problem+json. Raising a level: real name (L2) and face check
(L3), ``profile`` scope, rate-limited per account and per address, audited; a mismatch says only that the pair
does not match, and a token keeps the level it was issued at (the app signs in again with ``acr_values``).
Agent grants: only the enterprise's legal representative (checked in the database, not from the token), with
an L2+ token carrying the ``enterprise`` scope; an enterprise the caller does not represent is 404, exactly
like one that does not exist (OWASP API1). A grant starts as an invitation to a mobile number, answered 202
alike for every number; the invited citizen lists, accepts or declines it under ``/v1/me/agent-invitations``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

import asyncpg
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException
from litestar.openapi.spec import Example
from litestar.params import Body, JSONBody, PathParameter

from ishenzhen.errors import problem_spec
from ishenzhen.identity.accounts import service, throttle
from ishenzhen.identity.accounts.models import Party
from ishenzhen.identity.accounts.schemas import (
    AgentGrant,
    AgentGrantRequest,
    AgentInvitation,
    AgentInvitationSent,
    AssuranceRaised,
    FaceCheckRequest,
    Me,
    PartyInfo,
    RealNameRequest,
)
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.identity.state import IdentityState
from ishenzhen.lib.http import BEARER, client_address
from ishenzhen.lib.validators import CREDIT_CODE_ALPHABET

__all__ = [
    "AgentInvitationsController",
    "EnterpriseAgentsController",
    "MeController",
    "VerificationController",
]

_Level = Literal["L1", "L2", "L3"]
_PRINCIPAL = {"principal": Provide(provide_principal, sync_to_thread=False)}
# The document gives the code's shape (GB 32100's alphabet); its check character is the service's to judge.
_CreditCode = Annotated[
    str,
    PathParameter(min_length=1, max_length=32, schema_extra={"pattern": f"^[{CREDIT_CODE_ALPHABET}]{{18}}$"}),
]
_AGAIN = "sign in again (acr_values=L{0}) for a token at L{0}"


def _level(level: int) -> _Level:
    return cast("_Level", f"L{level}")


def _party_info(party: Party) -> PartyInfo:
    return PartyInfo(
        type="enterprise",
        credit_code=party.credit_code,
        name=party.name,
        role="legal_representative" if party.role == "legal_representative" else "agent",
        scopes=list(party.scopes),
        expires_at=party.expires_at.isoformat() if party.expires_at else None,
    )


def _agent_grant(grant: service.AgentGrant) -> AgentGrant:
    return AgentGrant(
        credit_code=grant.credit_code,
        agent_sub=str(grant.agent_id),
        name=grant.name,
        scopes=list(grant.scopes),
        expires_at=grant.expires_at.isoformat(),
    )


class MeController(Controller):
    path = "/v1/me"
    tags = ["identity"]

    @get(
        "",
        summary="The signed-in citizen, their assurance level and the parties they may act for",
        opt=requires("profile"),
        security=BEARER,
        dependencies=_PRINCIPAL,
        responses={
            401: problem_spec("No valid access token (see WWW-Authenticate)"),
            403: problem_spec("The token lacks the profile scope"),
        },
    )
    async def me(self, db_pool: NamedDependency[asyncpg.Pool], principal: NamedDependency[Principal]) -> Me:
        async with db_pool.acquire() as connection:
            account = await service.account_of(connection, principal.sub)
            parties = await service.parties_of(connection, account.id)
        return Me(
            sub=str(account.id),
            mobile=account.mobile,
            name=account.name,
            assurance_level=_level(account.assurance_level),
            token_acr=principal.acr,
            acting_for=principal.party,
            parties=[_party_info(party) for party in parties],
        )


_VERIFICATION_RESPONSES = {
    401: problem_spec("No valid access token (see WWW-Authenticate)"),
    403: problem_spec("The token lacks the profile scope, or the account is below the level this step needs"),
    409: problem_spec("The account is already verified at this level"),
    422: problem_spec("Malformed input, or the details do not match"),
    429: problem_spec("Too many attempts: see Retry-After"),
}


def _too_many(
    exc: throttle.Throttled, detail: str = "too many verification attempts: try again later"
) -> HTTPException:
    return HTTPException(
        status_code=429,
        detail=detail,
        headers={"Retry-After": str(exc.retry_after)},
    )


class VerificationController(Controller):
    path = "/v1/me"
    tags = ["identity"]

    @post(
        "/real-name",
        summary="Verify the real name: name + resident ID number against the register (L2)",
        status_code=200,
        opt=requires("profile"),
        security=BEARER,
        dependencies=_PRINCIPAL,
        responses=_VERIFICATION_RESPONSES,
    )
    async def real_name(
        self,
        request: Request[Any, Any, Any],
        identity: NamedDependency[IdentityState],
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
        data: JSONBody[RealNameRequest],
    ) -> AssuranceRaised:
        try:
            async with db_pool.acquire() as connection:
                level = await service.verify_caller_real_name(
                    connection,
                    identity.register,
                    principal.sub,
                    data.name,
                    data.resident_id,
                    address=client_address(request),
                    limiter=identity.throttle,
                )
        except throttle.Throttled as exc:
            raise _too_many(exc) from None
        return AssuranceRaised(
            assurance_level=_level(level),
            token_acr=principal.acr,
            detail="real name verified; " + _AGAIN.format(level),
        )

    @post(
        "/face-check",
        summary="Face check by the (simulated) provider: raises an L2 account to L3",
        status_code=200,
        opt=requires("profile"),
        security=BEARER,
        dependencies=_PRINCIPAL,
        responses=_VERIFICATION_RESPONSES,
    )
    async def face_check(
        self,
        request: Request[Any, Any, Any],
        identity: NamedDependency[IdentityState],
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
        data: JSONBody[FaceCheckRequest],
    ) -> AssuranceRaised:
        try:
            async with db_pool.acquire() as connection:
                level = await service.verify_caller_face(
                    connection,
                    identity.face_check,
                    principal.sub,
                    data.liveness_token,
                    address=client_address(request),
                    limiter=identity.throttle,
                )
        except throttle.Throttled as exc:
            raise _too_many(exc) from None
        return AssuranceRaised(
            assurance_level=_level(level),
            token_acr=principal.acr,
            detail="face check passed; " + _AGAIN.format(level),
        )


_AGENT_ERRORS = {
    400: problem_spec("Malformed credit code"),
    401: problem_spec("No valid access token (see WWW-Authenticate)"),
    403: problem_spec("The token lacks the enterprise scope or was issued below L2"),
    404: problem_spec("No enterprise the caller represents has this credit code (or no such agent)"),
}
_AGENT_GUARD = requires("enterprise", min_level=2)


class EnterpriseAgentsController(Controller):
    path = "/v1/enterprises/{credit_code:str}/agents"
    tags = ["identity"]

    @post(
        "",
        summary="Invite a citizen, by mobile number, to act as an agent (经办人) for the enterprise",
        description="The answer is the same whether or not anyone has the number: the grant exists once the "
        "invited citizen, signed in and verified (L2), accepts it under /v1/me/agent-invitations.",
        status_code=202,
        opt=_AGENT_GUARD,
        security=BEARER,
        dependencies=_PRINCIPAL,
        responses={
            **_AGENT_ERRORS,
            409: problem_spec("That is the legal representative's own number"),
            422: problem_spec("Malformed mobile number, scopes or expiry"),
            429: problem_spec("Too many invitations for this enterprise or by this caller: see Retry-After"),
        },
    )
    async def invite(
        self,
        request: Request[Any, Any, Any],
        db_pool: NamedDependency[asyncpg.Pool],
        identity: NamedDependency[IdentityState],
        principal: NamedDependency[Principal],
        credit_code: _CreditCode,
        data: Annotated[
            AgentGrantRequest,
            Body(
                examples=[
                    Example(
                        summary="邀请财务人员代办申请",
                        value={
                            "mobile": "13800000003",
                            "scopes": ["applications:submit"],
                            "expires_at": "2027-12-31T23:59:59+08:00",
                        },
                    )
                ]
            ),
        ],
    ) -> AgentInvitationSent:
        try:
            async with db_pool.acquire() as connection:
                sent = await service.invite_agent(
                    connection,
                    principal.sub,
                    credit_code,
                    data.mobile,
                    data.scopes,
                    data.expires_at,
                    address=client_address(request),
                    limiter=identity.throttle,
                )
        except throttle.Throttled as exc:
            raise _too_many(exc, "too many agent invitations: try again later") from None
        return AgentInvitationSent(
            invitation_id=str(sent.id),
            expires_at=sent.expires_at.isoformat(),
            detail="invitation recorded: the citizen with this number can accept it after signing in",
        )

    @get(
        "",
        summary="The enterprise's current agents and what each may do (legal representative)",
        opt=_AGENT_GUARD,
        security=BEARER,
        dependencies=_PRINCIPAL,
        responses=_AGENT_ERRORS,
    )
    async def list_agents(
        self,
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
        credit_code: _CreditCode,
    ) -> list[AgentGrant]:
        async with db_pool.acquire() as connection:
            grants = await service.agents_of(connection, principal.sub, credit_code)
        return [_agent_grant(grant) for grant in grants]

    @delete(
        "/{agent_sub:str}",
        summary="Revoke an agent's authorisation (legal representative)",
        opt=_AGENT_GUARD,
        security=BEARER,
        dependencies=_PRINCIPAL,
        responses=_AGENT_ERRORS,
    )
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
        credit_code: _CreditCode,
        agent_sub: Annotated[str, PathParameter(max_length=64)],
    ) -> None:
        async with db_pool.acquire() as connection:
            await service.revoke_agent(
                connection, principal.sub, credit_code, agent_sub, address=client_address(request)
            )


def _invitation(invitation: service.AgentInvitation) -> AgentInvitation:
    return AgentInvitation(
        invitation_id=str(invitation.id),
        credit_code=invitation.credit_code,
        enterprise_name=invitation.enterprise_name,
        scopes=list(invitation.scopes),
        grant_expires_at=invitation.grant_expires_at.isoformat(),
        created_at=invitation.created_at.isoformat(),
        expires_at=invitation.expires_at.isoformat(),
    )


_INVITATION_ERRORS = {
    401: problem_spec("No valid access token (see WWW-Authenticate)"),
    403: problem_spec("The token lacks the profile scope, or the account is below L2 (accepting)"),
    404: problem_spec("No pending invitation to the caller has this id"),
}
_InvitationId = Annotated[str, PathParameter(min_length=1, max_length=64)]


class AgentInvitationsController(Controller):
    path = "/v1/me/agent-invitations"
    tags = ["identity"]

    @get(
        "",
        summary="The signed-in citizen's pending invitations to act for an enterprise",
        opt=requires("profile"),
        security=BEARER,
        dependencies=_PRINCIPAL,
        responses=_INVITATION_ERRORS,
    )
    async def pending(
        self, db_pool: NamedDependency[asyncpg.Pool], principal: NamedDependency[Principal]
    ) -> list[AgentInvitation]:
        async with db_pool.acquire() as connection:
            invitations = await service.agent_invitations_of(connection, principal.sub)
        return [_invitation(invitation) for invitation in invitations]

    @post(
        "/{invitation_id:str}/accept",
        summary="Accept an invitation: the agent grant is made (needs L2)",
        status_code=200,
        opt=requires("profile", min_level=2),
        security=BEARER,
        dependencies=_PRINCIPAL,
        responses={
            **_INVITATION_ERRORS,
            409: problem_spec("The caller is the enterprise's legal representative"),
        },
    )
    async def accept(
        self,
        request: Request[Any, Any, Any],
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
        invitation_id: _InvitationId,
    ) -> PartyInfo:
        async with db_pool.acquire() as connection:
            party = await service.accept_agent_invitation(
                connection, principal.sub, invitation_id, address=client_address(request)
            )
        return _party_info(party)

    @post(
        "/{invitation_id:str}/decline",
        summary="Decline an invitation: no grant is made",
        status_code=204,
        opt=requires("profile"),
        security=BEARER,
        dependencies=_PRINCIPAL,
        responses=_INVITATION_ERRORS,
    )
    async def decline(
        self,
        request: Request[Any, Any, Any],
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
        invitation_id: _InvitationId,
    ) -> None:
        async with db_pool.acquire() as connection:
            await service.decline_agent_invitation(
                connection, principal.sub, invitation_id, address=client_address(request)
            )
