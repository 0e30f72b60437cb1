"""The registered items: listing, registering a new one, one item, withdrawal and calling off a schedule.

HTTP only: bodies in, answers with strong ETags out; the rules are in ``registry.service``.
Litestar answers OPTIONS per path and controller, so a path belongs to one controller only.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.openapi.spec import Example
from litestar.params import Body, JSONBody, Parameter
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
    CancelScheduleRequest,
    ItemPage,
    ItemView,
    VersionView,
    WithdrawRequest,
)

__all__ = ["ItemsController"]


class ItemsController(Controller):
    path = "/v1/registry"
    tags = ["registry"]

    @get(
        "/items",
        summary="A department's items (reviewers: any department)",
        responses={**ok(ItemPage, "A page of items by code"), **errors(400)},
        **READ,
    )
    async def list_items(
        self,
        db_pool: Pool,
        principal: Caller,
        department: Annotated[str | None, Parameter(pattern=r"^[a-z][a-z0-9-]{0,63}$")] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: Annotated[
            str | None, Parameter(pattern=r"^[0-9A-Za-z]{1,64}$", description="next_cursor")
        ] = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            page = await service.list_items(connection, actor_of(principal), department, limit, cursor)
        return answer(encode_body(page))

    @post(
        "/items",
        summary="Register a new item (draft version 1)",
        operation_class=ItemBodyOperation,
        responses={**ok(VersionView, "The draft", 201), **errors(400, 409, 413, 415, 422)},
        **WRITE,
    )
    async def create_item(self, request: Request, db_pool: Pool, principal: Caller) -> ASGIApp:
        raw = await json_body(request)
        async with db_pool.acquire() as connection:
            view = await service.create_item(connection, actor_of(principal), raw)
        return answer(encode_body(view), status=201, location=draft_location(view.code))

    @get(
        ITEM,
        summary="One item: state, published version, version in flight, schedules",
        responses={**ok(ItemView, "The item"), **errors(404)},
        **READ,
    )
    async def get_item(
        self, db_pool: Pool, principal: Caller, code: Code, if_none_match: IfNoneMatch = None
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.get_item(connection, actor_of(principal), code)
        return answer(encode_body(view), if_none_match=if_none_match)

    @post(
        ITEM + "/withdraw",
        status_code=200,
        summary="Withdraw (下线) the item now, or schedule it for a later date",
        responses={**ok(ItemView, "The item"), **errors(404, 409, 412, 422)},
        **WRITE,
    )
    async def withdraw(
        self,
        db_pool: Pool,
        principal: Caller,
        code: Code,
        data: Annotated[
            WithdrawRequest,
            Body(
                examples=[
                    Example(
                        summary="政策调整后下线",
                        value={
                            "reason": "依据新修订的人才引进办法，本事项并入人才引进核准",
                            "effective_at": "2027-01-01T00:00:00+08:00",
                        },
                    )
                ]
            ),
        ],
        if_match: IfMatch = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.withdraw(connection, actor_of(principal), code, data, if_match)
        return answer(encode_body(view))

    @post(
        ITEM + "/schedule/cancel",
        status_code=200,
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
