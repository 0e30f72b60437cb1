"""The home screen body: sections as a tagged union the app renders in the order sent.

Every section and every action carries a ``type`` tag. An app meets a section ``type`` it does not know by
skipping that section (it decodes the list element by element), so new section types can be added without an
app release; new fields are added with defaults. Actions say what a tap does, so the app never guesses from a
title: open the search page with a query, a filtered item list, an item's guide, a theme, or 我的办件.
Titles are in the negotiated locale; item and department names are data and stay Chinese.
"""

from __future__ import annotations

from typing import Literal

from ishenzhen.lib.structs import Struct

__all__ = [
    "Action",
    "AudienceTab",
    "AudienceTabsSection",
    "Banner",
    "BannersSection",
    "DistrictOption",
    "DistrictSwitcherSection",
    "HomeScreen",
    "HotServicesSection",
    "ItemAction",
    "ItemListAction",
    "ItemListFilters",
    "LifeEventsSection",
    "Locale",
    "MyApplicationsAction",
    "MyApplicationsSection",
    "SearchAction",
    "SearchBarSection",
    "SearchSuggestion",
    "Section",
    "ServiceLink",
    "ThemeAction",
    "ThemeLink",
]

Locale = Literal["zh-CN", "en"]


# -- actions: what a tap does --------------------------------------------------------------------------------
class _Action(Struct, frozen=True, tag_field="type", omit_defaults=True):
    """Base of the actions; ``href`` is the API request that fetches what the tapped screen shows."""


class SearchAction(_Action, frozen=True, tag="search"):
    """Open the search page, with ``query`` typed in (empty: the bare search page)."""

    query: str
    href: str


class ItemListFilters(Struct, frozen=True, omit_defaults=True):
    """The catalogue list filters the list applies (the query parameters of ``/v1/catalog/items``)."""

    instant_approval: bool | None = None
    theme: str | None = None
    audience: Literal["natural_person", "legal_person"] | None = None
    district: str | None = None


class ItemListAction(_Action, frozen=True, tag="item_list"):
    """Open a filtered list of items, titled ``title``."""

    title: str
    filters: ItemListFilters
    href: str


class ItemAction(_Action, frozen=True, tag="item"):
    """Open one item's guide."""

    code: str
    href: str


class ThemeAction(_Action, frozen=True, tag="theme"):
    """Open a life-event or enterprise theme: its items, in the current district view."""

    code: str
    title: str
    href: str


class MyApplicationsAction(_Action, frozen=True, tag="my_applications"):
    """Open the app's 我的办件 screen (the signed-in caller's applications)."""


Action = SearchAction | ItemListAction | ItemAction | ThemeAction | MyApplicationsAction


# -- building blocks ---------------------------------------------------------------------------------------
class SearchSuggestion(Struct, frozen=True):
    text: str
    action: SearchAction


class Banner(Struct, frozen=True):
    id: str  # stable across revisions and locales: for analytics and for the app's banner art
    title: str
    subtitle: str
    action: Action


class ServiceLink(Struct, frozen=True):
    code: str
    name: str
    department: str
    district: str | None  # the district's name in the locale; None for a city-level item
    instant_approval: bool
    action: ItemAction


class ThemeLink(Struct, frozen=True):
    code: str
    title: str
    item_count: int  # items in the current district view: the total of the list the action opens
    action: ThemeAction


class AudienceTab(Struct, frozen=True):
    audience: Literal["natural_person", "legal_person"]
    title: str
    themes: list[ThemeLink]
    items: list[ServiceLink]
    more: ItemListAction


class DistrictOption(Struct, frozen=True):
    code: str | None  # None: the whole city (no district parameter)
    title: str
    selected: bool
    href: str  # this home screen for that district


# -- sections ------------------------------------------------------------------------------------------------
class _Section(Struct, frozen=True, tag_field="type"):
    """Base of the sections."""


class SearchBarSection(_Section, frozen=True, tag="search_bar"):
    placeholder: str
    action: SearchAction
    suggestions: list[SearchSuggestion]


class BannersSection(_Section, frozen=True, tag="banners"):
    banners: list[Banner]


class HotServicesSection(_Section, frozen=True, tag="hot_services"):
    title: str
    items: list[ServiceLink]  # most popular first
    more: ItemListAction


class AudienceTabsSection(_Section, frozen=True, tag="audience_tabs"):
    tabs: list[AudienceTab]  # 个人服务, then 法人服务


class LifeEventsSection(_Section, frozen=True, tag="life_events"):
    title: str
    subtitle: str
    themes: list[ThemeLink]


class DistrictSwitcherSection(_Section, frozen=True, tag="district_switcher"):
    title: str
    options: list[DistrictOption]  # the whole city first, then the districts in code order


class MyApplicationsSection(_Section, frozen=True, tag="my_applications"):
    """Only in a signed-in caller's home screen."""

    title: str
    subtitle: str
    action: MyApplicationsAction


Section = (
    SearchBarSection
    | BannersSection
    | HotServicesSection
    | AudienceTabsSection
    | LifeEventsSection
    | DistrictSwitcherSection
    | MyApplicationsSection
)


class HomeScreen(Struct, frozen=True):
    locale: Locale
    district: str | None  # the district view's code, or None for the whole city
    catalog_revision: int
    sections: list[Section]
