"""HTTP only: ``GET /v1/results/{id}/verification``, public, where an approval document's QR code points."""

from __future__ import annotations

import uuid
from typing import Annotated

import asyncpg
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import PathParameter

from ishenzhen.errors import problem_spec
from ishenzhen.lib.http import response_spec
from ishenzhen.results import service
from ishenzhen.results.schemas import ResultVerification

__all__ = ["ResultsController"]


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
    async def verify(
        self,
        db_pool: NamedDependency[asyncpg.Pool],
        result_id: Annotated[uuid.UUID, PathParameter(description="the result's id (its jti claim)")],
    ) -> ResultVerification:
        return await service.verification(db_pool, result_id)
