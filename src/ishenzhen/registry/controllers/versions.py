"""An item's versions: each one, the diff between two, the audit trail, and rollback.

HTTP only: bodies in, answers with strong ETags out; the rules are in ``registry.service``.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.openapi.spec import Example
from litestar.params import Body, QueryParameter
from litestar.types import ASGIApp

from ishenzhen.catalog.model import MAX_VERSION
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
    Pool,
    Version,
    actor_of,
    answer,
    errors,
    ok,
)
from ishenzhen.registry.schemas import (
    DiffView,
    HistoryPage,
    RollbackRequest,
    VersionSummary,
    VersionView,
)

__all__ = ["VersionsController"]


class VersionsController(Controller):
    path = "/v1/registry"
    tags = ["registry"]

    @get(
        ITEM + "/versions",
        summary="Every version of the item",
        responses={**ok(list[VersionSummary], "Versions, oldest first"), **errors(404)},
        **READ,
    )
    async def list_versions(self, db_pool: Pool, principal: Caller, code: Code) -> ASGIApp:
        async with db_pool.acquire() as connection:
            versions = await service.list_versions(connection, actor_of(principal), code)
        return answer(encode_body(versions))

    @get(
        ITEM + "/versions/{version:int}",
        summary="One version with its content",
        responses={**ok(VersionView, "The version"), **errors(404)},
        **READ,
    )
    async def get_version(
        self,
        db_pool: Pool,
        principal: Caller,
        code: Code,
        version: Version,
        if_none_match: IfNoneMatch = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.get_version(connection, actor_of(principal), code, version)
        return answer(encode_body(view), if_none_match=if_none_match)

    @get(
        ITEM + "/diff",
        summary="Field-level differences between two versions (JSON pointers)",
        responses={**ok(DiffView, "The changed fields"), **errors(400, 404)},
        **READ,
    )
    async def diff(
        self,
        db_pool: Pool,
        principal: Caller,
        code: Code,
        from_version: Annotated[int, QueryParameter(name="from", ge=1, le=MAX_VERSION)],
        to_version: Annotated[int, QueryParameter(name="to", ge=1, le=MAX_VERSION)],
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.diff(connection, actor_of(principal), code, from_version, to_version)
        return answer(encode_body(view))

    @get(
        ITEM + "/history",
        summary="The audit trail: who did what, when, why, and what changed",
        responses={**ok(HistoryPage, "Every step, oldest first"), **errors(404)},
        **READ,
    )
    async def history(self, db_pool: Pool, principal: Caller, code: Code) -> ASGIApp:
        async with db_pool.acquire() as connection:
            page = await service.history(connection, actor_of(principal), code)
        return answer(encode_body(page))

    @post(
        ITEM + "/rollback",
        status_code=200,
        summary="Publish an earlier version's content again, at once, as a new version",
        responses={**ok(VersionView, "The new published version"), **errors(404, 409, 412, 422)},
        **WRITE,
    )
    async def rollback(
        self,
        db_pool: Pool,
        principal: Caller,
        code: Code,
        data: Annotated[
            RollbackRequest,
            Body(
                examples=[
                    Example(
                        summary="回滚到第 3 版",
                        value={"to_version": 3, "reason": "第 4 版收费标准填写有误，先恢复上一版"},
                    )
                ]
            ),
        ],
        if_match: IfMatch = None,
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.rollback(connection, actor_of(principal), code, data, if_match)
        return answer(encode_body(view))
