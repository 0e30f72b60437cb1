"""HTTP only: the public ``GET /v1/results/{id}/verification`` (where an approval document's QR code points),
the holder's ``GET /v1/me/results`` and a department system's ``POST /v1/department/results/{id}/revocation``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import asyncpg
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.openapi.spec import Example
from litestar.params import Body, PathParameter

from ishenzhen.errors import NotFound, problem_spec
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.lib.http import BEARER, response_spec
from ishenzhen.results import service
from ishenzhen.results.schemas import HeldResults, ResultRevocation, ResultVerification

__all__ = ["DepartmentResultsController", "HeldResultsController", "ResultsController"]

# Revoking is its own scope: a department system that moves applications on need not be able to undo results.
REVOKE_SCOPE = "results:revoke"
# The wallet's scope: the holder's results sit beside their e-licences.
WALLET_SCOPE = "licences"
ResultId = Annotated[uuid.UUID, PathParameter(description="the result's id (its jti claim)")]


class ResultsController(Controller):
    path = "/v1/results"
    tags = ["results"]

    @get(
        "/{result_id:uuid}/verification",
        summary="Whether an issued result stands (public; the QR code's link)",
        responses={
            200: response_spec(ResultVerification, "The result, its signed document and its status"),
            404: problem_spec("No result was issued with this id"),
        },
    )
    async def verify(self, db_pool: NamedDependency[asyncpg.Pool], result_id: ResultId) -> ResultVerification:
        return await service.verification(db_pool, result_id)


class HeldResultsController(Controller):
    path = "/v1/me/results"
    tags = ["results"]
    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}

    @get(
        "",
        summary="The results (approval documents) issued to you, valid or revoked",
        opt=requires(WALLET_SCOPE),
        security=BEARER,
        cache=False,
        responses={
            200: response_spec(HeldResults, "Newest first, each with its status and verification link"),
            401: problem_spec("No valid access token (see WWW-Authenticate)"),
            403: problem_spec("The token lacks the licences scope or is below L2"),
        },
    )
    async def held(
        self,
        request: Request[Any, Any, Any],
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
    ) -> HeldResults:
        return await service.held_results(
            db_pool, uuid.UUID(principal.sub), request.app.state.settings.effective_issuer
        )


class DepartmentResultsController(Controller):
    path = "/v1/department/results"
    tags = ["results"]
    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}

    @post(
        "/{result_id:uuid}/revocation",
        summary="Revoke a result your department issued (撤销)",
        status_code=200,
        opt=requires(REVOKE_SCOPE),
        security=BEARER,
        responses={
            200: response_spec(
                ResultVerification, "Revoked (again: the first revocation stands, the same answer)"
            ),
            400: problem_spec("The body is malformed (the field is named)"),
            401: problem_spec("No valid client-credentials token"),
            403: problem_spec("The token lacks the results:revoke scope"),
            404: problem_spec("Your department issued no result with this id"),
        },
    )
    async def revoke(
        self,
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
        result_id: ResultId,
        data: Annotated[
            ResultRevocation,
            Body(
                description="the category the public sees and the reason",
                examples=[
                    Example(
                        summary="条件已不具备",
                        value={
                            "category": "conditions_no_longer_met",
                            "reason": "持证人已迁出本市，核准通知依法撤销",
                        },
                    )
                ],
            ),
        ],
    ) -> ResultVerification:
        department = principal.claims.get("department")
        if not isinstance(department, str) or not department:
            # A citizen's token never carries results:revoke; a client without a department owns no result.
            raise NotFound("your department issued no result with this id")
        answer, _ = await service.revoke(
            db_pool, result_id, data, department=department, client_id=principal.client_id
        )
        return answer
