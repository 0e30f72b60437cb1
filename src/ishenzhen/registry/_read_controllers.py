"""Reading the registry: items, versions, diffs, history and the export (departments and reviewers)."""

from __future__ import annotations

import hashlib
from typing import Annotated

import asyncpg
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, Parameter, QueryParameter
from litestar.types import ASGIApp

from ishenzhen.catalog.source.model import MAX_VERSION
from ishenzhen.identity.guards import Principal
from ishenzhen.lib.http_cache import EncodedBody, encode_body
from ishenzhen.registry import bulk, service
from ishenzhen.registry._http import (
    READ,
    Answer,
    actor_of,
    errors,
    ok,
)
from ishenzhen.registry.schemas import (
    DiffView,
    HistoryPage,
    ItemPage,
    ItemView,
    VersionSummary,
    VersionView,
)

__all__ = ["RegistryReadController"]

Code = Annotated[str, Parameter(pattern=r"^[0-9A-Za-z]{1,64}$", description="item code (事项编码)")]
Version = Annotated[int, Parameter(ge=1, le=MAX_VERSION, description="version number")]
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


class RegistryReadController(Controller):
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
        return Answer(encode_body(page))

    @get(
        _ITEM,
        summary="One item: state, published version, version in flight, schedules",
        responses={**ok(ItemView, "The item"), **errors(404)},
        **READ,
    )
    async def get_item(
        self, db_pool: Pool, principal: Caller, code: Code, if_none_match: IfNoneMatch = None
    ) -> ASGIApp:
        async with db_pool.acquire() as connection:
            view = await service.get_item(connection, actor_of(principal), code)
        return Answer(encode_body(view), if_none_match=if_none_match)

    @get(
        _ITEM + "/versions",
        summary="Every version of the item",
        responses={**ok(list[VersionSummary], "Versions, oldest first"), **errors(404)},
        **READ,
    )
    async def list_versions(self, db_pool: Pool, principal: Caller, code: Code) -> ASGIApp:
        async with db_pool.acquire() as connection:
            versions = await service.list_versions(connection, actor_of(principal), code)
        return Answer(encode_body(versions))

    @get(
        _ITEM + "/versions/{version:int}",
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
        return Answer(encode_body(view), if_none_match=if_none_match)

    @get(
        _ITEM + "/diff",
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
        return Answer(encode_body(view))

    @get(
        _ITEM + "/history",
        summary="The audit trail: who did what, when, why, and what changed",
        responses={**ok(HistoryPage, "Every step, oldest first"), **errors(404)},
        **READ,
    )
    async def history(self, db_pool: Pool, principal: Caller, code: Code) -> ASGIApp:
        async with db_pool.acquire() as connection:
            page = await service.history(connection, actor_of(principal), code)
        return Answer(encode_body(page))

    @get(
        "/departments/{slug:str}/export",
        summary="The department's published items as its services_catalog file",
        responses={
            **ok(str, "items/<slug>.yaml, byte for byte", media_type="application/yaml"),
            **errors(404),
        },
        **READ,
    )
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
    content = text.encode()
    return EncodedBody(content=content, etag=f'"{hashlib.blake2b(content, digest_size=12).hexdigest()}"')
