"""The home screen's fixed strings in zh-CN and en, Accept-Language negotiation, and English names.

The catalogue holds Chinese names only. Districts get their English name from their slug (罗湖区 → Luohu
District, as the city's own English pages write them); themes from the table below, keyed by the theme code,
with the code itself as a readable fallback for a theme added later. Item and department names stay Chinese.
"""

from __future__ import annotations

from ishenzhen.catalog.model import District, Theme
from ishenzhen.screens.home.schemas import Locale

__all__ = ["DEFAULT_LOCALE", "district_title", "negotiate_locale", "text", "theme_title"]

DEFAULT_LOCALE: Locale = "zh-CN"

_TEXT: dict[Locale, dict[str, str]] = {
    "zh-CN": {
        "search_placeholder": "搜索事项，支持拼音和首字母",
        "instant_title": "秒批专区",
        "instant_subtitle": "{count} 项事项即报即批，无需人工审核",
        "life_events_banner_title": "一件事一次办",
        "life_events_banner_subtitle": "{theme}：相关事项 {count} 项，一次办好",
        "start_up_banner_title": "企业开办一件事",
        "start_up_banner_subtitle": "企业开办相关事项 {count} 项",
        "featured_item_title": "热门秒批：{name}",
        "featured_item_subtitle": "在线申报，即时出结果",
        "hot_services": "热门服务",
        "more_hot_services": "全部服务",
        "natural_person": "个人服务",
        "legal_person": "法人服务",
        "more_natural_person": "更多个人服务",
        "more_legal_person": "更多法人服务",
        "instant_list": "秒批事项",
        "life_events": "一件事一次办",
        "life_events_subtitle": "按人生大事找服务",
        "district_switcher": "切换区域",
        "whole_city": "深圳市（全市）",
        "my_applications": "我的办件",
        "my_applications_subtitle": "查看办理进度和结果",
    },
    "en": {
        "search_placeholder": "Search services: Chinese, pinyin or initials",
        "instant_title": "Instant approval",
        "instant_subtitle": "{count} services approved at once, with no manual review",
        "life_events_banner_title": "One life event, one visit",
        "life_events_banner_subtitle": "{theme}: {count} related services, done in one go",
        "start_up_banner_title": "Starting a business",
        "start_up_banner_subtitle": "{count} services for starting a business",
        "featured_item_title": "Popular instant approval: {name}",
        "featured_item_subtitle": "Apply online, get the result at once",
        "hot_services": "Popular services",
        "more_hot_services": "All services",
        "natural_person": "Personal services",
        "legal_person": "Business services",
        "more_natural_person": "More personal services",
        "more_legal_person": "More business services",
        "instant_list": "Instant-approval services",
        "life_events": "Life events",
        "life_events_subtitle": "Find services by life event",
        "district_switcher": "Choose your district",
        "whole_city": "Shenzhen (whole city)",
        "my_applications": "My applications",
        "my_applications_subtitle": "Track progress and results",
    },
}

_THEME_EN = {
    "birth": "Birth",
    "household": "Household registration",
    "documents": "ID documents",
    "education": "Education",
    "employment": "Jobs and starting out",
    "talent": "Talent introduction",
    "marriage": "Marriage",
    "housing": "Housing",
    "transport": "Transport",
    "medical": "Healthcare",
    "social_security": "Social security",
    "retirement": "Retirement and elderly care",
    "disability": "Services for people with disabilities",
    "veterans": "Veterans and special care",
    "exit_entry": "Exit and entry",
    "legal_services": "Legal services",
    "culture_sports": "Culture and sports",
    "death": "Bereavement",
    "start_up": "Starting a business",
    "operating_permits": "Operating permits",
    "qualifications": "Qualifications",
    "investment_construction": "Investment and construction",
    "tax": "Taxes and fees",
    "human_resources": "Human resources",
    "trade": "Import and export",
    "funding": "Funding and subsidies",
    "intellectual_property": "Intellectual property",
    "safety": "Work safety",
    "environment": "Environmental protection",
    "social_organisations": "Social organisations",
    "deregistration": "Closing a business",
}


def text(locale: Locale, key: str, **values: object) -> str:
    template = _TEXT[locale][key]
    return template.format(**values) if values else template


def theme_title(theme: Theme, locale: Locale) -> str:
    if locale == "zh-CN":
        return theme.name
    return _THEME_EN.get(theme.code) or theme.code.replace("_", " ").capitalize()


def district_title(district: District, locale: Locale) -> str:
    if locale == "zh-CN":
        return district.name
    suffix = "New District" if district.kind == "new_district" else "District"
    return f"{district.slug.capitalize()} {suffix}"


def _quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return quality if 0.0 <= quality <= 1.0 else 0.0
    return 1.0


def negotiate_locale(header: str | None) -> Locale:
    """The best of zh-CN and en for an RFC 9110 ``Accept-Language``; zh-CN when neither is acceptable.

    Any Chinese range (zh, zh-CN, zh-Hans, zh-TW…) is served zh-CN, the only Chinese we have; ``*`` means the
    default. Malformed parts are ignored rather than refused: a browser's odd header must not break the app.
    """
    if not header:
        return DEFAULT_LOCALE
    best: Locale = DEFAULT_LOCALE
    best_quality = 0.0
    for part in header.split(","):
        tag, _, parameters = part.partition(";")
        primary = tag.strip().lower().split("-", 1)[0]
        locale: Locale | None = {"zh": "zh-CN", "en": "en", "*": DEFAULT_LOCALE}.get(primary)  # type: ignore[assignment]
        if locale is None:
            continue
        quality = _quality(parameters)
        if quality > best_quality:  # ties keep the earlier range: the order the user listed them in
            best, best_quality = locale, quality
    return best
