"""HTTP only: the outbox's dead letters (``/v1/ops/dead-letters``, scope ``ops:dead-letters``) and ``/metrics``."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import PathParameter, QueryParameter

from ishenzhen.errors import problem_spec
from ishenzhen.handling import service
from ishenzhen.handling.schemas import DeadLetterPage
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.lib.http import BEARER, response_spec
from ishenzhen.ops.metrics import CONTENT_TYPE, render

__all__ = ["OPS_CONTROLLERS", "DeadLettersController", "MetricsController"]

OPS = requires("ops:dead-letters")
_COMMON = {401: problem_spec("No valid access token"), 403: problem_spec("The token lacks ops:dead-letters")}


class DeadLettersController(Controller):
    path = "/v1/ops/dead-letters"
    tags = ("operations",)
    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}

    @get(
        "",
        summary="Outbox records parked after their last attempt, newest first",
        opt=OPS,
        security=BEARER,
        responses={200: response_spec(DeadLetterPage, "A page of dead letters"), **_COMMON},
    )
    async def list_dead_letters(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        cursor: Annotated[
            int | None, QueryParameter(ge=1, le=2**53 - 1, description="next_cursor of the last page")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
    ) -> DeadLetterPage:
        items = await service.dead_letters(request.app.state.db_pool, before_id=cursor, limit=limit + 1)
        more = len(items) > limit
        items = items[:limit]
        return DeadLetterPage(items=items, next_cursor=items[-1].id if more else None)

    @post(
        "/{outbox_id:int}/requeue",
        summary="Put a dead letter back in the queue",
        status_code=200,
        opt=OPS,
        security=BEARER,
        responses={
            200: response_spec(None, "Queued again; delivery starts at once"),
            **_COMMON,
            404: problem_spec("No outbox record has this id"),
            409: problem_spec("The record is not dead"),
        },
    )
    async def requeue(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        outbox_id: Annotated[int, PathParameter(ge=1, le=2**53 - 1)],
    ) -> None:
        await service.requeue(request.app.state.db_pool, outbox_id, operator=principal.client_id)


class MetricsController(Controller):
    path = "/metrics"
    tags = ("operations",)
    include_in_schema = False

    @get("", summary="Prometheus metrics", media_type=CONTENT_TYPE)
    async def metrics(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        return Response(await render(request.app.state.db_pool), media_type=CONTENT_TYPE)


OPS_CONTROLLERS = (DeadLettersController, MetricsController)
