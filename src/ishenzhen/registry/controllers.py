"""The registry API under /v1/registry: departments register and change their items, reviewers approve.

HTTP only: bodies in, answers with strong ETags out; the rules are in ``service``.
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, Parameter, QueryParameter
from litestar.types import ASGIApp

from ishenzhen.identity.guards import Principal
from ishenzhen.lib.http_cache import EncodedBody, encode_body
from ishenzhen.registry import bulk, service
from ishenzhen.registry._http import (
    READ,
    REVIEW,
    WRITE,
    Answer,
    ItemBodyOperation,
    actor_of,
    errors,
    json_body,
    ok,
)
from ishenzhen.registry.schemas import (
    ApproveRequest,
    CancelScheduleRequest,
    DiffView,
    HistoryPage,
    ItemPage,
    ItemView,
    QueuePage,
    RejectRequest,
    RollbackRequest,
    SubmitRequest,
    VersionSummary,
    VersionView,
    WithdrawRequest,
)

__all__ = ["RegistryController"]

Code = Annotated[str, Parameter(pattern=r"^[0-9A-Za-z]{1,64}$", description="item code (事项编码)")]
Version = Annotated[int, Parameter(ge=1, le=1_000_000, description="version number")]
IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", required=False, max_length=512, description="ETag you based it on"),
]
IfNoneMatch = Annotated[str | None, HeaderParameter(name="If-None-Match", required=False, max_length=512)]
Pool = NamedDependency[asyncpg.Pool]
Caller = NamedDependency[Principal]
_ITEM = "/items/{code:str}"


def _draft_location(code: str) -> str:
    return f"/v1/registry/items/{code}/draft"


class RegistryController(Controller):
    path = "/v1/registry"
    tags = ["registry"]

    @post("/items", summary="Register a new item (draft version 1)", operation_class=ItemBodyOperation,
          responses={**ok(VersionView, "The draft", 201), **errors(400, 409, 415, 422)}, **WRITE)  # fmt: skip
    async def create_item(self, request: Request, db_pool: Pool, principal: Caller) -> ASGIApp:
        raw = await json_body(request)
        async with db_pool.acquire() as connection:
            view = await service.create_item(connection, actor_of(principal), raw)
        return Answer(encode_body(view), status=201, location=_draft_location(view.code))

    @get("/items", summary="A department's items (reviewers: any department)",
         responses={**ok(ItemPage, "A page of items by code"), **errors(400)}, **READ)  # fmt: skip
    async def list_items(
        self, db_pool: Pool, principal: Caller,
        department: Annotated[str | None, Parameter(pattern=r"^[a-z][a-z0-9-]{0,63}$")] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Parameter(pattern=r"^[0-9A-Za-z]{1,64}$", description="next_cursor")] = None,
    ) -> ASGIApp:  # fmt: skip
        async with db_pool.acquire() as connection:
            page = await service.list_items(connection, actor_of(principal), department, limit, cursor)
        return Answer(encode_body(page))

    @get(_ITEM, summary="One item: state, published version, version in flight, schedules",
         responses={**ok(ItemView, "The item"), **errors(404)}, **READ)  # fmt: skip
    async def get_item(
        self, db_pool: Pool, principal: Caller, code: Code, if_none_match: IfNoneMatch = None
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.get_item(connection, actor_of(principal), code)
        return Answer(encode_body(view), if_none_match=if_none_match)

    @post(_ITEM + "/drafts", summary="Start a draft of a registered item (If-Match: the item's ETag)",
          operation_class=ItemBodyOperation,
          responses={**ok(VersionView, "The draft", 201), **errors(400, 404, 409, 412, 415, 422, 428)}, **WRITE)  # fmt: skip
    async def create_draft(
        self, request: Request, db_pool: Pool, principal: Caller, code: Code, if_match: IfMatch = None
    ) -> ASGIApp:
        raw = await json_body(request)
        async with db_pool.acquire() as connection:
            view = await service.create_draft(connection, actor_of(principal), code, raw, if_match)
        return Answer(encode_body(view), status=201, location=_draft_location(code))

    @get(_ITEM + "/draft", summary="The item's draft", responses={**ok(VersionView, "The draft"), **errors(404)},
         **READ)  # fmt: skip
    async def get_draft(
        self, db_pool: Pool, principal: Caller, code: Code, if_none_match: IfNoneMatch = None
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.get_draft(connection, actor_of(principal), code)
        return Answer(encode_body(view), if_none_match=if_none_match)

    @put(_ITEM + "/draft", summary="Replace the draft's content (If-Match: the draft's ETag)",
         operation_class=ItemBodyOperation,
         responses={**ok(VersionView, "The edited draft"), **errors(400, 404, 412, 415, 422, 428)}, **WRITE)  # fmt: skip
    async def edit_draft(
        self, request: Request, db_pool: Pool, principal: Caller, code: Code, if_match: IfMatch = None
    ) -> ASGIApp:
        raw = await json_body(request)
        async with db_pool.acquire() as connection:
            view = await service.edit_draft(connection, actor_of(principal), code, raw, if_match)
        return Answer(encode_body(view))

    @delete(_ITEM + "/draft", summary="Discard the draft (If-Match: the draft's ETag)", status_code=204,
            responses=errors(404, 412, 428), **WRITE)  # fmt: skip
    async def discard_draft(self, db_pool: Pool, principal: Caller, code: Code, if_match: IfMatch = None) -> None:
        async with db_pool.acquire() as connection:
            await service.discard_draft(connection, actor_of(principal), code, if_match)

    @post(_ITEM + "/draft/submit", summary="Submit the draft for review, optionally to take effect later",
          responses={**ok(VersionView, "The submitted version"), **errors(400, 404, 412, 422, 428)}, **WRITE)  # fmt: skip
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
        return Answer(encode_body(view))

    @get("/review-queue", summary="Submitted versions waiting for review, oldest first",
         responses={**ok(QueuePage, "The queue"), **errors(400)}, **REVIEW)  # fmt: skip
    async def review_queue(
        self, db_pool: Pool, principal: Caller, limit: Annotated[int, Parameter(ge=1, le=500)] = 100
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            page = await service.review_queue(connection, actor_of(principal), limit)
        return Answer(encode_body(page))

    @post(_ITEM + "/versions/{version:int}/approve", summary="Approve: publish now or at the requested time",
          responses={**ok(VersionView, "Published or scheduled"), **errors(404, 409, 412, 422)}, **REVIEW)  # fmt: skip
    async def approve(
        self, db_pool: Pool, principal: Caller, code: Code, version: Version, data: JSONBody[ApproveRequest],
        if_match: IfMatch = None,
    ) -> ASGIApp:  # fmt: skip
        async with db_pool.acquire() as connection:
            view = await service.approve(connection, actor_of(principal), code, version, data, if_match)
        return Answer(encode_body(view))

    @post(_ITEM + "/versions/{version:int}/reject", summary="Reject with a reason",
          responses={**ok(VersionView, "Rejected"), **errors(404, 409, 412, 422)}, **REVIEW)  # fmt: skip
    async def reject(
        self, db_pool: Pool, principal: Caller, code: Code, version: Version, data: JSONBody[RejectRequest],
        if_match: IfMatch = None,
    ) -> ASGIApp:  # fmt: skip
        async with db_pool.acquire() as connection:
            view = await service.reject(connection, actor_of(principal), code, version, data, if_match)
        return Answer(encode_body(view))

    @post(_ITEM + "/withdraw", summary="Withdraw (下线) the item now, or schedule it for a later date",
          responses={**ok(ItemView, "The item"), **errors(404, 409, 412, 422)}, **WRITE)  # fmt: skip
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
        return Answer(encode_body(view))

    @post(_ITEM + "/schedule/cancel", summary="Call off a scheduled publication or withdrawal",
          responses={**ok(ItemView, "The item"), **errors(404, 409, 412, 422)}, **READ)  # fmt: skip
    async def cancel_schedule(
        self, db_pool: Pool, principal: Caller, code: Code, data: JSONBody[CancelScheduleRequest],
        if_match: IfMatch = None,
    ) -> ASGIApp:  # fmt: skip
        async with db_pool.acquire() as connection:
            view = await service.cancel_schedule(connection, actor_of(principal), code, data, if_match)
        return Answer(encode_body(view))

    @post(_ITEM + "/rollback", summary="Publish an earlier version's content again, at once, as a new version",
          responses={**ok(VersionView, "The new published version"), **errors(404, 409, 412, 422)}, **WRITE)  # fmt: skip
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
        return Answer(encode_body(view))

    @get(_ITEM + "/versions", summary="Every version of the item",
         responses={**ok(list[VersionSummary], "Versions, oldest first"), **errors(404)}, **READ)  # fmt: skip
    async def list_versions(self, db_pool: Pool, principal: Caller, code: Code) -> ASGIApp:
        async with db_pool.acquire() as connection:
            versions = await service.list_versions(connection, actor_of(principal), code)
        return Answer(encode_body(versions))

    @get(_ITEM + "/versions/{version:int}", summary="One version with its content",
         responses={**ok(VersionView, "The version"), **errors(404)}, **READ)  # fmt: skip
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
        return Answer(encode_body(view), if_none_match=if_none_match)

    @get(_ITEM + "/diff", summary="Field-level differences between two versions (JSON pointers)",
         responses={**ok(DiffView, "The changed fields"), **errors(400, 404)}, **READ)  # fmt: skip
    async def diff(
        self, db_pool: Pool, principal: Caller, code: Code,
        from_version: Annotated[int, QueryParameter(name="from", ge=1)],
        to_version: Annotated[int, QueryParameter(name="to", ge=1)],
    ) -> ASGIApp:  # fmt: skip
        async with db_pool.acquire() as connection:
            view = await service.diff(connection, actor_of(principal), code, from_version, to_version)
        return Answer(encode_body(view))

    @get(_ITEM + "/history", summary="The audit trail: who did what, when, why, and what changed",
         responses={**ok(HistoryPage, "Every step, oldest first"), **errors(404)}, **READ)  # fmt: skip
    async def history(self, db_pool: Pool, principal: Caller, code: Code) -> ASGIApp:
        async with db_pool.acquire() as connection:
            page = await service.history(connection, actor_of(principal), code)
        return Answer(encode_body(page))

    @get("/departments/{slug:str}/export", summary="The department's published items as its services_catalog file",
         responses={**ok(str, "items/<slug>.yaml, byte for byte"), **errors(404)}, **READ)  # fmt: skip
    async def export(
        self,
        db_pool: Pool,
        principal: Caller,
        slug: Annotated[str, Parameter(pattern=r"^[a-z][a-z0-9-]{0,63}$")],
    ) -> ASGIApp:
        actor_of(principal).require_reader(slug)
        async with db_pool.acquire() as connection:
            text = await bulk.department_file(connection, slug)
        return Answer(_yaml(text), media_type=b"application/yaml")


def _yaml(text: str) -> EncodedBody:
    import hashlib

    content = text.encode()
    return EncodedBody(content=content, etag=f'"{hashlib.blake2b(content, digest_size=12).hexdigest()}"')
