"""Raising a citizen's assurance level over the API: real name (L2) and face check (L3).

Both are bearer-protected (the ``profile`` scope), rate-limited per account and per address, and audited.
Resident ID numbers are never logged or audited unmasked, and a mismatch says only that the pair does not
match: never what the register holds. A token keeps the level it was issued at: the answer says so, and
the app signs in again (``acr_values``) for a token at the new level.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import asyncpg
import msgspec
from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException
from litestar.params import JSONBody

from ishenzhen.errors import Conflict, NotFound, problem_spec
from ishenzhen.identity import accounts, throttle
from ishenzhen.identity._http import _address
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.identity.state import IdentityState
from ishenzhen.lib.structs import Struct

__all__ = ["AssuranceRaised", "FaceCheckRequest", "RealNameRequest", "VerificationController"]


class RealNameRequest(Struct, frozen=True):
    """Name and resident ID number (GB 11643), checked against the population register."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    resident_id: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]


class FaceCheckRequest(Struct, frozen=True):
    """The face-check provider's token for the live capture the app just took."""

    liveness_token: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]


class AssuranceRaised(Struct, frozen=True):
    assurance_level: Literal["L1", "L2", "L3"]
    # The level of the token used for this request: unchanged until the app signs in again.
    token_acr: str | None
    detail: str


_RESPONSES = {
    401: problem_spec("No valid access token (see WWW-Authenticate)"),
    403: problem_spec("The token lacks the profile scope, or the account is below the level this step needs"),
    409: problem_spec("The account is already verified at this level"),
    422: problem_spec("Malformed input, or the details do not match"),
    429: problem_spec("Too many attempts: see Retry-After"),
}
REAL_NAME_LIMITS = (
    throttle.Limit("real_name_account", 5, 3600),
    throttle.Limit("real_name_address", 20, 3600),
)
FACE_CHECK_LIMITS = (
    throttle.Limit("face_check_account", 5, 3600),
    throttle.Limit("face_check_address", 20, 3600),
)
_AGAIN = "sign in again (acr_values=L{0}) for a token at L{0}"


async def _throttle(
    connection: asyncpg.Connection, limits: tuple[throttle.Limit, throttle.Limit], account: str, address: str
) -> None:
    try:
        await throttle.hit(connection, limits[0], account)
        await throttle.hit(connection, limits[1], address)
    except throttle.Throttled as exc:
        raise HTTPException(
            status_code=429, detail="too many verification attempts: try again later",
            headers={"Retry-After": str(exc.retry_after)},
        ) from None  # fmt: skip


async def _account(connection: asyncpg.Connection, principal: Principal) -> Any:
    try:
        account_id = uuid.UUID(principal.sub)
    except ValueError:
        account_id = None
    account = await accounts.queries.account_by_id(connection, id=account_id) if account_id else None
    if account is None:
        raise NotFound("the token's subject has no account")
    return account


_GUARD = {
    "opt": requires("profile"),
    "security": [{"bearer": []}],
    "dependencies": {"principal": Provide(provide_principal, sync_to_thread=False)},
    "responses": _RESPONSES,
}


class VerificationController(Controller):
    path = "/v1/me"
    tags = ["identity"]

    @post("/real-name", summary="Verify the real name: name + resident ID number against the register (L2)",
          status_code=200, **_GUARD)  # type: ignore[arg-type]  # fmt: skip
    async def real_name(
        self, request: Request, identity: NamedDependency[IdentityState], db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal], data: JSONBody[RealNameRequest],
    ) -> AssuranceRaised:  # fmt: skip
        address = _address(request)
        async with db_pool.acquire() as connection:
            account = await _account(connection, principal)
            await _throttle(connection, REAL_NAME_LIMITS, str(account["id"]), address)
            if account["assurance_level"] >= 2:
                raise Conflict(f"the real name is already verified (L{account['assurance_level']})")
            level = await accounts.verify_real_name(
                connection, identity.register, account["id"], data.name, data.resident_id, address=address
            )
        return AssuranceRaised(assurance_level=f"L{level}", token_acr=principal.acr,  # type: ignore[arg-type]
                               detail="real name verified; " + _AGAIN.format(level))  # fmt: skip

    @post("/face-check", summary="Face check by the (simulated) provider: raises an L2 account to L3",
          status_code=200, **_GUARD)  # type: ignore[arg-type]  # fmt: skip
    async def face_check(
        self, request: Request, identity: NamedDependency[IdentityState], db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal], data: JSONBody[FaceCheckRequest],
    ) -> AssuranceRaised:  # fmt: skip
        address = _address(request)
        async with db_pool.acquire() as connection:
            account = await _account(connection, principal)
            await _throttle(connection, FACE_CHECK_LIMITS, str(account["id"]), address)
            if account["assurance_level"] >= 3:
                raise Conflict("the face check is already done (L3)")
            level = await accounts.verify_face(
                connection, identity.face_check, account["id"], data.liveness_token, address=address
            )
        return AssuranceRaised(assurance_level=f"L{level}", token_acr=principal.acr,  # type: ignore[arg-type]
                               detail="face check passed; " + _AGAIN.format(level))  # fmt: skip
