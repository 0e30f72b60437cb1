"""Review: the queue of submitted versions, approval and rejection.

HTTP only: bodies in, answers with strong ETags out; the rules are in ``registry.service``.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.openapi.spec import Example
from litestar.params import Body, JSONBody, Parameter
from litestar.types import ASGIApp

from ishenzhen.lib.http_cache import encode_body
from ishenzhen.registry import service
from ishenzhen.registry.controllers._http import (
    ITEM,
    REVIEW,
    Caller,
    Code,
    IfMatch,
    Pool,
    Version,
    actor_of,
    answer,
    errors,
    ok,
)
from ishenzhen.registry.schemas import (
    ApproveRequest,
    QueuePage,
    RejectRequest,
    VersionView,
)

__all__ = ["ReviewController"]


class ReviewController(Controller):
    path = "/v1/registry"
    tags = ["registry"]

    @get(
        "/review-queue",
        summary="Submitted versions waiting for review, oldest first",
        responses={**ok(QueuePage, "The queue"), **errors(400)},
        **REVIEW,
    )
    async def review_queue(
        self, db_pool: Pool, principal: Caller, limit: Annotated[int, Parameter(ge=1, le=500)] = 100
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            page = await service.review_queue(connection, actor_of(principal), limit)
        return answer(encode_body(page))

    @post(
        ITEM + "/versions/{version:int}/approve",
        status_code=200,
        summary="Approve: publish now or at the requested time",
        responses={**ok(VersionView, "Published or scheduled"), **errors(404, 409, 412, 422)},
        **REVIEW,
    )
    async def approve(
        self,
        db_pool: Pool,
        principal: Caller,
        code: Code,
        version: Version,
        data: JSONBody[ApproveRequest],
        if_match: IfMatch = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.approve(connection, actor_of(principal), code, version, data, if_match)
        return answer(encode_body(view))

    @post(
        ITEM + "/versions/{version:int}/reject",
        status_code=200,
        summary="Reject with a reason",
        responses={**ok(VersionView, "Rejected"), **errors(404, 409, 412, 422)},
        **REVIEW,
    )
    async def reject(
        self,
        db_pool: Pool,
        principal: Caller,
        code: Code,
        version: Version,
        data: Annotated[
            RejectRequest,
            Body(
                examples=[
                    Example(
                        summary="退回修改", value={"reason": "申请材料清单缺少劳动合同，请补充后重新提交"}
                    )
                ]
            ),
        ],
        if_match: IfMatch = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.reject(connection, actor_of(principal), code, version, data, if_match)
        return answer(encode_body(view))
