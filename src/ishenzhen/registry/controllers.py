"""The registry API under /v1/registry: departments register and change their items, reviewers approve.

HTTP only: bodies in, answers with strong ETags out; the rules are in ``service``.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Request, delete, get, post, put
from litestar.params import JSONBody, Parameter
from litestar.types import ASGIApp

from ishenzhen.lib.http_cache import encode_body
from ishenzhen.registry import service
from ishenzhen.registry._http import (
    READ,
    REVIEW,
    WRITE,
    ItemBodyOperation,
    actor_of,
    answer,
    errors,
    json_body,
    ok,
)
from ishenzhen.registry._read_controllers import (
    _ITEM,
    Caller,
    Code,
    IfMatch,
    IfNoneMatch,
    Pool,
    RegistryReadController,
    Version,
    _draft_location,
)
from ishenzhen.registry.schemas import (
    ApproveRequest,
    CancelScheduleRequest,
    ItemView,
    QueuePage,
    RejectRequest,
    RollbackRequest,
    SubmitRequest,
    VersionView,
    WithdrawRequest,
)

__all__ = ["REGISTRY_CONTROLLERS", "RegistryController"]


class RegistryController(RegistryReadController):
    """Writing and reviewing; the reading endpoints are inherited (``_read_controllers``)."""

    path = "/v1/registry"
    tags = ["registry"]

    @post(
        "/items",
        summary="Register a new item (draft version 1)",
        operation_class=ItemBodyOperation,
        responses={**ok(VersionView, "The draft", 201), **errors(400, 409, 415, 422)},
        **WRITE,
    )
    async def create_item(self, request: Request, db_pool: Pool, principal: Caller) -> ASGIApp:
        raw = await json_body(request)
        async with db_pool.acquire() as connection:
            view = await service.create_item(connection, actor_of(principal), raw)
        return answer(encode_body(view), status=201, location=_draft_location(view.code))

    @post(
        _ITEM + "/drafts",
        summary="Start a draft of a registered item (If-Match: the item's ETag)",
        operation_class=ItemBodyOperation,
        responses={**ok(VersionView, "The draft", 201), **errors(400, 404, 409, 412, 415, 422, 428)},
        **WRITE,
    )
    async def create_draft(
        self, request: Request, db_pool: Pool, principal: Caller, code: Code, if_match: IfMatch = None
    ) -> ASGIApp:
        raw = await json_body(request)
        async with db_pool.acquire() as connection:
            view = await service.create_draft(connection, actor_of(principal), code, raw, if_match)
        return answer(encode_body(view), status=201, location=_draft_location(code))

    @get(
        _ITEM + "/draft",
        summary="The item's draft",
        responses={**ok(VersionView, "The draft"), **errors(404)},
        **READ,
    )
    async def get_draft(
        self, db_pool: Pool, principal: Caller, code: Code, if_none_match: IfNoneMatch = None
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.get_draft(connection, actor_of(principal), code)
        return answer(encode_body(view), if_none_match=if_none_match)

    @put(
        _ITEM + "/draft",
        summary="Replace the draft's content (If-Match: the draft's ETag)",
        operation_class=ItemBodyOperation,
        responses={**ok(VersionView, "The edited draft"), **errors(400, 404, 412, 415, 422, 428)},
        **WRITE,
    )
    async def edit_draft(
        self, request: Request, db_pool: Pool, principal: Caller, code: Code, if_match: IfMatch = None
    ) -> ASGIApp:
        raw = await json_body(request)
        async with db_pool.acquire() as connection:
            view = await service.edit_draft(connection, actor_of(principal), code, raw, if_match)
        return answer(encode_body(view))

    @delete(
        _ITEM + "/draft",
        summary="Discard the draft (If-Match: the draft's ETag)",
        status_code=204,
        responses=errors(404, 412, 428),
        **WRITE,
    )
    async def discard_draft(
        self, db_pool: Pool, principal: Caller, code: Code, if_match: IfMatch = None
    ) -> None:
        async with db_pool.acquire() as connection:
            await service.discard_draft(connection, actor_of(principal), code, if_match)

    @post(
        _ITEM + "/draft/submit",
        summary="Submit the draft for review, optionally to take effect later",
        responses={**ok(VersionView, "The submitted version"), **errors(400, 404, 412, 422, 428)},
        **WRITE,
    )
    async def submit(
        self,
        db_pool: Pool,
        principal: Caller,
        code: Code,
        data: JSONBody[SubmitRequest],
        if_match: IfMatch = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.submit(connection, actor_of(principal), code, data, if_match)
        return answer(encode_body(view))

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
        _ITEM + "/versions/{version:int}/approve",
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
        _ITEM + "/versions/{version:int}/reject",
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
        data: JSONBody[RejectRequest],
        if_match: IfMatch = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.reject(connection, actor_of(principal), code, version, data, if_match)
        return answer(encode_body(view))

    @post(
        _ITEM + "/withdraw",
        summary="Withdraw (下线) the item now, or schedule it for a later date",
        responses={**ok(ItemView, "The item"), **errors(404, 409, 412, 422)},
        **WRITE,
    )
    async def withdraw(
        self,
        db_pool: Pool,
        principal: Caller,
        code: Code,
        data: JSONBody[WithdrawRequest],
        if_match: IfMatch = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.withdraw(connection, actor_of(principal), code, data, if_match)
        return answer(encode_body(view))

    @post(
        _ITEM + "/schedule/cancel",
        summary="Call off a scheduled publication or withdrawal",
        responses={**ok(ItemView, "The item"), **errors(404, 409, 412, 422)},
        **READ,
    )
    async def cancel_schedule(
        self,
        db_pool: Pool,
        principal: Caller,
        code: Code,
        data: JSONBody[CancelScheduleRequest],
        if_match: IfMatch = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.cancel_schedule(connection, actor_of(principal), code, data, if_match)
        return answer(encode_body(view))

    @post(
        _ITEM + "/rollback",
        summary="Publish an earlier version's content again, at once, as a new version",
        responses={**ok(VersionView, "The new published version"), **errors(404, 409, 412, 422)},
        **WRITE,
    )
    async def rollback(
        self,
        db_pool: Pool,
        principal: Caller,
        code: Code,
        data: JSONBody[RollbackRequest],
        if_match: IfMatch = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.rollback(connection, actor_of(principal), code, data, if_match)
        return answer(encode_body(view))


REGISTRY_CONTROLLERS = [RegistryController]
