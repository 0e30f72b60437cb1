"""Public bodies of the catalogue API. The full guide reuses the source format's Structs for its parts."""

from __future__ import annotations

from typing import Literal

from ishenzhen.catalog.model import (
    Audience,
    CaseType,
    Channel,
    Faq,
    Fee,
    ImplementingBody,
    ItemType,
    Level,
    Material,
    OnlineDepth,
    Result,
    ServiceScope,
    Status,
    Visits,
)
from ishenzhen.lib.structs import Struct

__all__ = [
    "DepartmentCount",
    "DistrictCount",
    "ItemDetail",
    "ItemPage",
    "ItemSummary",
    "NamedRef",
    "SearchHighlight",
    "SearchMatch",
    "SearchPage",
    "ThemeCount",
]


class NamedRef(Struct, frozen=True):
    code: str
    name: str


class ItemSummary(Struct, frozen=True):
    """What a list row shows: enough to choose an item without opening it."""

    code: str
    name: str
    department: NamedRef
    district: NamedRef | None
    level: Level
    audience: Audience
    item_type: ItemType
    themes: list[str]
    channels: list[Channel]
    phone_handling: bool
    instant_approval: bool
    visits: Visits
    promised_days: int
    status: Status


class ItemDetail(Struct, frozen=True):
    """The full handling guide (办事指南) of one item."""

    code: str
    basic_code: str
    implementation_code: str
    name: str
    item_type: ItemType
    department: NamedRef
    implementing_body: ImplementingBody
    level: Level
    district: NamedRef | None
    audience: Audience
    themes: list[NamedRef]
    legal_basis: list[str]
    acceptance_conditions: list[str]
    case_type: CaseType
    channels: list[Channel]
    materials: list[Material]
    fees: list[Fee]
    statutory_days: int
    promised_days: int
    visits: Visits
    visit_reason: str | None
    instant_approval: bool
    phone_handling: bool
    online_depth: OnlineDepth
    result: Result
    progress_query: str
    enquiry_phone: str
    complaint_phone: str
    faq: list[Faq]
    service_scope: ServiceScope
    version: int
    status: Status


class ItemPage(Struct, frozen=True):
    items: list[ItemSummary]
    total: int
    limit: int
    next_cursor: str | None = None


class SearchHighlight(Struct, frozen=True):
    """Where the query matched: character offsets [start, end) in the named field."""

    field: Literal["name", "text"]
    spans: list[tuple[int, int]]


class SearchMatch(Struct, frozen=True):
    item: ItemSummary
    matched_by: Literal["name", "pinyin", "initials", "text"]
    rank_tier: int
    highlight: SearchHighlight


class SearchPage(Struct, frozen=True):
    query: str
    results: list[SearchMatch]
    total: int
    limit: int
    next_cursor: str | None = None


class DepartmentCount(Struct, frozen=True):
    code: str
    name: str
    short_name: str
    credit_code: str
    item_count: int


class DistrictCount(Struct, frozen=True):
    code: str
    name: str
    item_count: int


class ThemeCount(Struct, frozen=True):
    code: str
    name: str
    audience: Literal["natural_person", "legal_person"]
    item_count: int
