"""HTTP only: ``/v1/me``, the signed-in citizen (problem+json errors like the rest of the API)."""

from __future__ import annotations

import asyncpg
from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException

from ishenzhen.errors import Problem
from ishenzhen.identity import accounts
from ishenzhen.identity._http import (
    BEARER,
    _spec,
    _uuid,
)
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.identity.provider import queries
from ishenzhen.identity.schemas import (
    Me,
    PartyInfo,
)

__all__ = ["MeController"]


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
