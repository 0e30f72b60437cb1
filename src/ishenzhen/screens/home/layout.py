"""Composing the home screen from the catalogue snapshot: pure, deterministic, no I/O.

Popularity is the snapshot's own order (most popular first, then code), so "hot" is the first set bits of a
filter's mask. A district view is that district's items plus the city-level ones, exactly as the catalogue
list's ``district`` filter selects them, so every count shown equals the total of the list its tap opens.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ishenzhen.catalog.snapshot import CatalogSnapshot, ItemFilter, iter_bits
from ishenzhen.screens.home.schemas import (
    AudienceTab,
    AudienceTabsSection,
    Banner,
    BannersSection,
    DistrictOption,
    DistrictSwitcherSection,
    HomeScreen,
    HotServicesSection,
    ItemAction,
    ItemListAction,
    ItemListFilters,
    LifeEventsSection,
    Locale,
    MyApplicationsAction,
    MyApplicationsSection,
    SearchAction,
    SearchBarSection,
    SearchSuggestion,
    Section,
    ServiceLink,
    ThemeAction,
    ThemeLink,
)
from ishenzhen.screens.home.text import district_title, text, theme_title

__all__ = ["HOME_PATH", "build_home"]

HOME_PATH = "/v1/app/home"
HOT_SERVICES = 8
SUGGESTIONS = 5
TAB_THEMES = 6
TAB_ITEMS = 5
# 一件事一次办: the life events the city bundles, in life's order; those the catalogue lacks are left out.
LIFE_EVENTS = ("birth", "education", "employment", "talent", "marriage", "housing", "retirement", "death")
# The life event the banner features, and the enterprise one.
FEATURED_LIFE_EVENT = "birth"
START_UP_THEME = "start_up"


def _list_href(filters: ItemListFilters) -> str:
    query = {
        "instant_approval": None
        if filters.instant_approval is None
        else str(filters.instant_approval).lower(),
        "theme": filters.theme,
        "audience": filters.audience,
        "district": filters.district,
    }
    encoded = urlencode({k: v for k, v in query.items() if v is not None})
    return f"/v1/catalog/items?{encoded}" if encoded else "/v1/catalog/items"


def _search(query: str) -> SearchAction:
    return SearchAction(
        query=query, href=f"/v1/catalog/search?q={quote(query)}" if query else "/v1/catalog/search"
    )


class _Composer:
    def __init__(self, snapshot: CatalogSnapshot, locale: Locale, district: str | None) -> None:
        self.snapshot = snapshot
        self.locale = locale
        self.district = district

    def t(self, key: str, **values: object) -> str:
        return text(self.locale, key, **values)

    def mask(self, **filters: object) -> int:
        return self.snapshot.mask(ItemFilter(district=self.district, **filters))  # type: ignore[arg-type]  # filters holds ItemFilter's own keyword arguments

    def list_action(self, title: str, **filters: object) -> ItemListAction:
        chosen = ItemListFilters(district=self.district, **filters)  # type: ignore[arg-type]  # filters holds ItemFilter's own keyword arguments
        return ItemListAction(title=title, filters=chosen, href=_list_href(chosen))

    def top_items(self, mask: int, limit: int) -> list[ServiceLink]:
        """The most popular items of ``mask``, one per name: the city view would otherwise list the same
        service once per district."""
        links: list[ServiceLink] = []
        names: set[str] = set()
        for position in iter_bits(mask):
            item = self.snapshot.items[position]
            if item.name in names:
                continue
            names.add(item.name)
            links.append(self.service_link(position))
            if len(links) == limit:
                break
        return links

    def service_link(self, position: int) -> ServiceLink:
        item = self.snapshot.items[position]
        summary = self.snapshot.summaries[position]
        district = self.snapshot.districts.get(item.district) if item.district else None
        return ServiceLink(
            code=item.code,
            name=item.name,
            department=summary.department.name,
            district=district_title(district, self.locale) if district else None,
            instant_approval=item.instant_approval,
            action=ItemAction(code=item.code, href=f"/v1/app/items/{item.code}/guide"),
        )

    def theme_link(self, code: str) -> ThemeLink:
        theme = self.snapshot.themes[code]
        title = theme_title(theme, self.locale)
        filters = ItemListFilters(theme=code, district=self.district)
        return ThemeLink(
            code=code,
            title=title,
            item_count=self.mask(theme=code).bit_count(),
            action=ThemeAction(code=code, title=title, href=_list_href(filters)),
        )

    # -- sections ------------------------------------------------------------------------------------------
    def search_bar(self) -> SearchBarSection:
        suggestions = [
            SearchSuggestion(text=link.name, action=_search(link.name))
            for link in self.top_items(self.mask(), SUGGESTIONS)
        ]
        return SearchBarSection(
            placeholder=self.t("search_placeholder"), action=_search(""), suggestions=suggestions
        )

    def banners(self) -> BannersSection:
        banners: list[Banner] = []
        instant = self.mask(instant_approval=True)
        if instant:
            banners.append(
                Banner(
                    id="instant-approval",
                    title=self.t("instant_title"),
                    subtitle=self.t("instant_subtitle", count=instant.bit_count()),
                    action=self.list_action(self.t("instant_list"), instant_approval=True),
                )
            )
        if FEATURED_LIFE_EVENT in self.snapshot.themes:
            link = self.theme_link(FEATURED_LIFE_EVENT)
            subtitle = self.t("life_events_banner_subtitle", theme=link.title, count=link.item_count)
            banners.append(
                Banner(
                    id=f"life-event-{FEATURED_LIFE_EVENT}",
                    title=self.t("life_events_banner_title"),
                    subtitle=subtitle,
                    action=link.action,
                )
            )
        if START_UP_THEME in self.snapshot.themes:
            link = self.theme_link(START_UP_THEME)
            banners.append(
                Banner(
                    id="enterprise-start-up",
                    title=self.t("start_up_banner_title"),
                    subtitle=self.t("start_up_banner_subtitle", count=link.item_count),
                    action=link.action,
                )
            )
        featured = self.top_items(instant, 1)
        if featured:
            banners.append(
                Banner(
                    id="featured-instant-item",
                    title=self.t("featured_item_title", name=featured[0].name),
                    subtitle=self.t("featured_item_subtitle"),
                    action=featured[0].action,
                )
            )
        return BannersSection(banners=banners)

    def hot_services(self) -> HotServicesSection:
        return HotServicesSection(
            title=self.t("hot_services"),
            items=self.top_items(self.mask(), HOT_SERVICES),
            more=self.list_action(self.t("more_hot_services")),
        )

    def audience_tabs(self) -> AudienceTabsSection:
        tabs: list[AudienceTab] = []
        for audience in ("natural_person", "legal_person"):
            links = [self.theme_link(t.code) for t in self.snapshot.themes.values() if t.audience == audience]
            # Most items first; the catalogue's theme order breaks ties (sorted() is stable).
            links = sorted(links, key=lambda link: -link.item_count)[:TAB_THEMES]
            tabs.append(
                AudienceTab(
                    audience=audience,
                    title=self.t(audience),
                    themes=[link for link in links if link.item_count],
                    items=self.top_items(self.mask(audience=audience), TAB_ITEMS),
                    more=self.list_action(self.t(f"more_{audience}"), audience=audience),
                )
            )
        return AudienceTabsSection(tabs=tabs)

    def life_events(self) -> LifeEventsSection:
        return LifeEventsSection(
            title=self.t("life_events"),
            subtitle=self.t("life_events_subtitle"),
            themes=[self.theme_link(code) for code in LIFE_EVENTS if code in self.snapshot.themes],
        )

    def district_switcher(self) -> DistrictSwitcherSection:
        options = [
            DistrictOption(
                code=None, title=self.t("whole_city"), selected=self.district is None, href=HOME_PATH
            )
        ]
        options += [
            DistrictOption(
                code=d.code,
                title=district_title(d, self.locale),
                selected=d.code == self.district,
                href=f"{HOME_PATH}?district={d.code}",
            )
            for d in sorted(self.snapshot.districts.values(), key=lambda d: d.code)
        ]
        return DistrictSwitcherSection(title=self.t("district_switcher"), options=options)

    def my_applications(self) -> MyApplicationsSection:
        return MyApplicationsSection(
            title=self.t("my_applications"),
            subtitle=self.t("my_applications_subtitle"),
            action=MyApplicationsAction(),
        )


def build_home(
    snapshot: CatalogSnapshot, locale: Locale, district: str | None, signed_in: bool
) -> HomeScreen:
    """The layout for one (snapshot, locale, district view, signed in or not); ``district`` must be known."""
    composer = _Composer(snapshot, locale, district)
    sections: list[Section] = [composer.search_bar()]
    if signed_in:
        # Right under the search bar: where a returning applicant looks first.
        sections.append(composer.my_applications())
    sections += [
        composer.banners(),
        composer.hot_services(),
        composer.audience_tabs(),
        composer.life_events(),
        composer.district_switcher(),
    ]
    return HomeScreen(locale=locale, district=district, catalog_revision=snapshot.revision, sections=sections)
