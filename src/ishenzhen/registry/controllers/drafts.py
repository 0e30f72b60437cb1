"""Drafts: starting, reading, editing, discarding and submitting an item's draft.

HTTP only: bodies in, answers with strong ETags out; the rules are in ``registry.service``.
Litestar answers OPTIONS per path and controller, so a path belongs to one controller only.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, delete, get, post, put
from litestar.openapi.spec import Example
from litestar.params import Body
from litestar.types import ASGIApp

from ishenzhen.lib.http_cache import encode_body
from ishenzhen.registry import service
from ishenzhen.registry.controllers._http import (
    ITEM,
    READ,
    WRITE,
    Caller,
    Code,
    IfMatch,
    IfNoneMatch,
    ItemBodyOperation,
    Pool,
    actor_of,
    answer,
    draft_location,
    errors,
    json_body,
    ok,
)
from ishenzhen.registry.schemas import (
    SubmitRequest,
    VersionView,
)

__all__ = ["DraftsController"]


class DraftsController(Controller):
    path = "/v1/registry"
    tags = ["registry"]

    @post(
        ITEM + "/drafts",
        summary="Start a draft of a registered item (If-Match: the item's ETag)",
        operation_class=ItemBodyOperation,
        responses={**ok(VersionView, "The draft", 201), **errors(400, 404, 409, 412, 413, 415, 422, 428)},
        **WRITE,
    )
    async def create_draft(
        self, request: Request, db_pool: Pool, principal: Caller, code: Code, if_match: IfMatch = None
    ) -> ASGIApp:
        raw = await json_body(request)
        async with db_pool.acquire() as connection:
            view = await service.create_draft(connection, actor_of(principal), code, raw, if_match)
        return answer(encode_body(view), status=201, location=draft_location(code))

    @get(
        ITEM + "/draft",
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
        ITEM + "/draft",
        summary="Replace the draft's content (If-Match: the draft's ETag)",
        operation_class=ItemBodyOperation,
        responses={**ok(VersionView, "The edited draft"), **errors(400, 404, 412, 413, 415, 422, 428)},
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
        ITEM + "/draft",
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
        ITEM + "/draft/submit",
        status_code=200,
        summary="Submit the draft for review, optionally to take effect later",
        responses={**ok(VersionView, "The submitted version"), **errors(400, 404, 412, 422, 428)},
        **WRITE,
    )
    async def submit(
        self,
        db_pool: Pool,
        principal: Caller,
        code: Code,
        data: Annotated[
            SubmitRequest,
            Body(
                examples=[
                    Example(
                        summary="定时生效",
                        value={
                            "effective_at": "2027-01-01T00:00:00+08:00",
                            "note": "按新办法自 2027 年 1 月 1 日起施行",
                        },
                    )
                ]
            ),
        ],
        if_match: IfMatch = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.submit(connection, actor_of(principal), code, data, if_match)
        return answer(encode_body(view))
