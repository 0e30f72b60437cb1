"""The public catalogue API: no login, the same bytes for everyone, cacheable with ETags."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from litestar import Controller, Request, get
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter, Parameter
from litestar.types import ASGIApp

from ishenzhen.catalog.model import Audience, Channel, ItemType, Visits
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
from ishenzhen.errors import FieldError, InvalidInput, problem_spec
from ishenzhen.lib.http import response_spec
from ishenzhen.lib.http_cache import EncodedBody, FinishedResponse, encode_body

__all__ = ["CatalogController"]

PUBLIC_CACHE = b"public, max-age=60, stale-while-revalidate=300"
_VARY = ((b"vary", b"Accept-Encoding"),)
MAX_PAGE = 100
MAX_SEARCH_PAGE = 50
MAX_QUERY_CHARS = 100
MAX_IF_NONE_MATCH = 512
SEARCH_PATH = "/v1/catalog/search"  # CatalogController.path + its "/search"
# Shared with the raw search path (``search_endpoint``), which checks the same parameters the same way.
DEPARTMENT_PATTERN = r"^[a-z][a-z0-9-]{0,63}$"
DISTRICT_PATTERN = r"^\d{6}$"
THEME_PATTERN = r"^[a-z][a-z0-9_-]{0,63}$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,200}$"

# Codes are checked for shape only: a well-formed code that names nothing selects nothing (an honest empty page).
DepartmentParam = Annotated[
    str | None,
    Parameter(description="department code, e.g. public-security", pattern=DEPARTMENT_PATTERN),
]
DistrictParam = Annotated[
    str | None,
    Parameter(description="district division code; includes city-level items", pattern=DISTRICT_PATTERN),
]
AudienceParam = Annotated[
    Audience | None, Parameter(description="natural_person or legal_person; items for both are included")
]
ThemeParam = Annotated[
    str | None,
    Parameter(description="life-event or enterprise theme code", pattern=THEME_PATTERN),
]
ItemTypeParam = Annotated[ItemType | None, Parameter(description="item type")]
ChannelParam = Annotated[Channel | None, Parameter(description="a channel the item can be handled through")]
InstantParam = Annotated[
    bool | None, Parameter(description="only instant-approval (秒批) items, or only others")
]
# A Literal rather than ge/le: litestar drops a zero minimum from the OpenAPI document.
VisitsParam = Annotated[Visits | None, Parameter(description="hall visits: 0, 1, or 2 for two or more")]
CursorParam = Annotated[
    str | None, Parameter(pattern=CURSOR_PATTERN, description="next_cursor of the previous page")
]
IfNoneMatch = Annotated[
    str | None, HeaderParameter(name="If-None-Match", required=False, max_length=MAX_IF_NONE_MATCH)
]


def _finished(body: EncodedBody, if_none_match: str | None) -> FinishedResponse:
    return FinishedResponse.json(body, if_none_match, cache_control=PUBLIC_CACHE, headers=_VARY)


def _store(request: Request) -> CatalogStore:
    # Read from the app's state rather than injected as a dependency: litestar validates a provider's own
    # parameters on every call (~15 µs a request, a tenth of an uncached search) for what is one attribute.
    return request.app.state.catalog


def _ok(model: object, description: str, **extra: ResponseSpec) -> dict[int, ResponseSpec]:
    return {
        200: response_spec(model, description),
        304: response_spec(None, "Not modified: ETag matches"),
        400: problem_spec("A parameter is invalid"),
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
        department=department,
        district=district,
        audience=audience,
        theme=theme,
        item_type=item_type,
        channel=channel,
        instant_approval=instant_approval,
        visits=visits,
    )


def _clean_query(q: str) -> str:
    # ``isprintable`` is False for every character of those categories: a C-speed pass for the usual query.
    if not q.isprintable() and any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} for ch in q):
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
    ) -> ASGIApp:
        item_filter = _filter(
            department, district, audience, theme, item_type, channel, instant_approval, visits
        )
        body = encode_body(_store(request).list_items(item_filter, limit, cursor))
        return _finished(body, if_none_match)

    @get(
        "/items/{code:str}",
        summary="The full handling guide of one item",
        responses=_ok(ItemDetail, "The item's guide", status_404=problem_spec("No such item")),
    )
    async def item_detail(
        self,
        request: Request,
        code: Annotated[str, Parameter(max_length=64)],
        if_none_match: IfNoneMatch = None,
    ) -> ASGIApp:
        body = encode_body(_store(request).item_detail(code))
        return _finished(body, if_none_match)

    @get(
        "/search",
        summary="Search in Chinese, pinyin or initials",
        responses=_ok(SearchPage, "Ranked matches"),
    )
    async def search(
        self,
        request: Request,
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
    ) -> ASGIApp:
        query = _clean_query(q)
        item_filter = _filter(
            department, district, audience, theme, item_type, channel, instant_approval, visits
        )
        body = encode_body(_store(request).search(query, item_filter, limit, cursor))
        return _finished(body, if_none_match)

    @get(
        "/departments",
        summary="Departments with item counts",
        responses=_ok(list[DepartmentCount], "Departments"),
    )
    async def departments(self, request: Request, if_none_match: IfNoneMatch = None) -> ASGIApp:
        body = encode_body(_store(request).departments())
        return _finished(body, if_none_match)

    @get(
        "/districts",
        summary="Districts with their own item counts",
        responses=_ok(list[DistrictCount], "List"),
    )
    async def districts(self, request: Request, if_none_match: IfNoneMatch = None) -> ASGIApp:
        body = encode_body(_store(request).districts())
        return _finished(body, if_none_match)

    @get(
        "/themes",
        summary="Life-event and enterprise themes with counts",
        responses=_ok(list[ThemeCount], "Themes"),
    )
    async def themes(self, request: Request, if_none_match: IfNoneMatch = None) -> ASGIApp:
        body = encode_body(_store(request).themes())
        return _finished(body, if_none_match)
