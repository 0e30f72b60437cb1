"""The public catalogue API: no login, the same bytes for everyone, cacheable with ETags."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter, Parameter

from ishenzhen.catalog.schemas import (
    DepartmentCount,
    DistrictCount,
    ItemDetail,
    ItemPage,
    SearchPage,
    ThemeCount,
)
from ishenzhen.catalog.service import CatalogStore
from ishenzhen.catalog.snapshot import ItemFilter
from ishenzhen.catalog.source.model import Audience, Channel, ItemType, Visits
from ishenzhen.errors import PROBLEM_MEDIA_TYPE, FieldError, InvalidInput, Problem
from ishenzhen.lib.http_cache import conditional_response, encode_body

__all__ = ["CatalogController"]

PUBLIC_CACHE = "public, max-age=60, stale-while-revalidate=300"
MAX_PAGE = 100
MAX_SEARCH_PAGE = 50
MAX_QUERY_CHARS = 100

# Codes are checked for shape only: a well-formed code that names nothing selects nothing (an honest empty page).
DepartmentParam = Annotated[
    str | None,
    Parameter(description="department code, e.g. public-security", pattern=r"^[a-z][a-z0-9-]{0,63}$"),
]
DistrictParam = Annotated[
    str | None, Parameter(description="district division code; includes city-level items", pattern=r"^\d{6}$")
]
AudienceParam = Annotated[
    Audience | None, Parameter(description="natural_person or legal_person; items for both are included")
]
ThemeParam = Annotated[
    str | None,
    Parameter(description="life-event or enterprise theme code", pattern=r"^[a-z][a-z0-9_-]{0,63}$"),
]
ItemTypeParam = Annotated[ItemType | None, Parameter(description="item type")]
ChannelParam = Annotated[Channel | None, Parameter(description="a channel the item can be handled through")]
InstantParam = Annotated[
    bool | None, Parameter(description="only instant-approval (秒批) items, or only others")
]
# A Literal rather than ge/le: litestar drops a zero minimum from the OpenAPI document.
VisitsParam = Annotated[Visits | None, Parameter(description="hall visits: 0, 1, or 2 for two or more")]
CursorParam = Annotated[
    str | None, Parameter(pattern=r"^[A-Za-z0-9_-]{1,200}$", description="next_cursor of the previous page")
]
IfNoneMatch = Annotated[str | None, HeaderParameter(name="If-None-Match", required=False, max_length=512)]


def _problem(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem,
        generate_examples=False,
        description=description,
        media_type=PROBLEM_MEDIA_TYPE,
    )


def _ok(model: object, description: str, **extra: ResponseSpec) -> dict[int, ResponseSpec]:
    return {
        200: ResponseSpec(data_container=model, generate_examples=False, description=description),
        304: ResponseSpec(
            data_container=None, generate_examples=False, description="Not modified: ETag matches"
        ),
        400: _problem("A parameter is invalid"),
        **{int(status.removeprefix("status_")): spec for status, spec in extra.items()},
    }


def _filter(
    department: str | None,
    district: str | None,
    audience: str | None,
    theme: str | None,
    item_type: str | None,
    channel: str | None,
    instant_approval: bool | None,
    visits: int | None,
) -> ItemFilter:
    return ItemFilter(
        department=department, district=district, audience=audience, theme=theme, item_type=item_type,
        channel=channel, instant_approval=instant_approval, visits=visits,
    )  # fmt: skip


def _clean_query(q: str) -> str:
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} for ch in q):
        raise InvalidInput(
            "query parameter 'q' contains control characters",
            errors=[FieldError(location="query", name="q", reason="control characters are not allowed")],
        )
    cleaned = " ".join(q.split())
    if not cleaned:
        raise InvalidInput(
            "query parameter 'q' is blank",
            errors=[FieldError(location="query", name="q", reason="type at least one character")],
        )
    return cleaned


class CatalogController(Controller):
    path = "/v1/catalog"
    tags = ["catalog"]

    @get("/items", summary="List service items", responses=_ok(ItemPage, "A page of items"))
    async def list_items(
        self,
        request: Request,
        catalog: NamedDependency[CatalogStore],
        department: DepartmentParam = None,
        district: DistrictParam = None,
        audience: AudienceParam = None,
        theme: ThemeParam = None,
        item_type: ItemTypeParam = None,
        channel: ChannelParam = None,
        instant_approval: InstantParam = None,
        visits: VisitsParam = None,
        limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="page size")] = 20,
        cursor: CursorParam = None,
        if_none_match: IfNoneMatch = None,
    ) -> Response[bytes]:
        item_filter = _filter(
            department, district, audience, theme, item_type, channel, instant_approval, visits
        )
        body = encode_body(catalog.list_items(item_filter, limit, cursor))
        return conditional_response(body, request.headers, PUBLIC_CACHE)

    @get(
        "/items/{code:str}",
        summary="The full handling guide of one item",
        responses=_ok(ItemDetail, "The item's guide", status_404=_problem("No such item")),
    )
    async def item_detail(
        self,
        request: Request,
        catalog: NamedDependency[CatalogStore],
        code: Annotated[str, Parameter(max_length=64)],
        if_none_match: IfNoneMatch = None,
    ) -> Response[bytes]:
        body = encode_body(catalog.item_detail(code))
        return conditional_response(body, request.headers, PUBLIC_CACHE)

    @get(
        "/search",
        summary="Search in Chinese, pinyin or initials",
        responses=_ok(SearchPage, "Ranked matches"),
    )
    async def search(
        self,
        request: Request,
        catalog: NamedDependency[CatalogStore],
        q: Annotated[
            str, Parameter(min_length=1, max_length=MAX_QUERY_CHARS, description="what the citizen typed")
        ],
        department: DepartmentParam = None,
        district: DistrictParam = None,
        audience: AudienceParam = None,
        theme: ThemeParam = None,
        item_type: ItemTypeParam = None,
        channel: ChannelParam = None,
        instant_approval: InstantParam = None,
        visits: VisitsParam = None,
        limit: Annotated[int, Parameter(ge=1, le=MAX_SEARCH_PAGE, description="page size")] = 20,
        cursor: CursorParam = None,
        if_none_match: IfNoneMatch = None,
    ) -> Response[bytes]:
        query = _clean_query(q)
        item_filter = _filter(
            department, district, audience, theme, item_type, channel, instant_approval, visits
        )
        body = encode_body(catalog.search(query, item_filter, limit, cursor))
        return conditional_response(body, request.headers, PUBLIC_CACHE)

    @get(
        "/departments",
        summary="Departments with item counts",
        responses=_ok(list[DepartmentCount], "Departments"),
    )
    async def departments(
        self, request: Request, catalog: NamedDependency[CatalogStore], if_none_match: IfNoneMatch = None
    ) -> Response[bytes]:
        body = encode_body(catalog.departments())
        return conditional_response(body, request.headers, PUBLIC_CACHE)

    @get(
        "/districts",
        summary="Districts with their own item counts",
        responses=_ok(list[DistrictCount], "List"),
    )
    async def districts(
        self, request: Request, catalog: NamedDependency[CatalogStore], if_none_match: IfNoneMatch = None
    ) -> Response[bytes]:
        body = encode_body(catalog.districts())
        return conditional_response(body, request.headers, PUBLIC_CACHE)

    @get(
        "/themes",
        summary="Life-event and enterprise themes with counts",
        responses=_ok(list[ThemeCount], "Themes"),
    )
    async def themes(
        self, request: Request, catalog: NamedDependency[CatalogStore], if_none_match: IfNoneMatch = None
    ) -> Response[bytes]:
        body = encode_body(catalog.themes())
        return conditional_response(body, request.headers, PUBLIC_CACHE)
