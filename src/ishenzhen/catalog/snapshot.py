"""The in-memory catalogue every read is served from: built from PostgreSQL, immutable once built.

Items sit in one stable order (most popular first, then code). Each filter value maps to a bitset over that
order, held as a Python int: combining filters is one ``&`` over ~7,484 bits, counting is ``bit_count()``,
and a page is the next set bits after the cursor. A new snapshot replaces the old one whole, so a request
sees either the old catalogue or the new one, never a mix.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import msgspec

from ishenzhen.catalog.model import Department, District, ElicenceType, ServiceItem, Theme
from ishenzhen.catalog.schemas import ItemSummary, NamedRef
from ishenzhen.catalog.search import SearchDocument, SearchIndex

__all__ = ["CatalogSnapshot", "ItemFilter", "iter_bits"]


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """The list and search filters; ``None`` means "any"."""

    department: str | None = None
    district: str | None = None
    audience: str | None = None
    theme: str | None = None
    item_type: str | None = None
    channel: str | None = None
    instant_approval: bool | None = None
    visits: int | None = None


def iter_bits(mask: int, start: int = 0) -> Iterator[int]:
    """Positions of the set bits of ``mask`` at or after ``start``, ascending."""
    mask >>= start
    position = start
    while mask:
        skip = (mask & -mask).bit_length() - 1
        position += skip
        yield position
        mask >>= skip + 1
        position += 1


def _search_text(item: ServiceItem) -> str:
    parts = [*item.keywords, item.result.name, *(m.name for m in item.materials), *item.acceptance_conditions]
    return "；".join(parts)


@dataclass(frozen=True)
class CatalogSnapshot:
    revision: int
    items: tuple[ServiceItem, ...]
    departments: dict[str, Department]
    districts: dict[str, District]
    themes: dict[str, Theme]
    e_licence_types: dict[str, ElicenceType]
    search_index: SearchIndex
    summaries: tuple[ItemSummary, ...]
    # The same summaries encoded once: pages and search results splice these bytes instead of re-encoding.
    encoded_summaries: tuple[msgspec.Raw, ...]
    position_by_code: dict[str, int]
    sort_keys: tuple[tuple[int, str], ...]
    masks: dict[str, dict[object, int]] = field(repr=False)
    everything: int = 0

    @classmethod
    def build(
        cls,
        revision: int,
        items: Sequence[ServiceItem],
        departments: Sequence[Department],
        districts: Sequence[District],
        themes: Sequence[Theme],
        e_licence_types: Sequence[ElicenceType] = (),
    ) -> CatalogSnapshot:
        ordered = tuple(sorted(items, key=lambda item: (-item.popularity, item.code)))
        department_map = {d.slug: d for d in departments}
        district_map = {d.code: d for d in districts}
        masks: dict[str, dict[object, int]] = defaultdict(lambda: defaultdict(int))
        for position, item in enumerate(ordered):
            bit = 1 << position
            masks["department"][item.department] |= bit
            masks["district"][item.district] |= bit  # None collects the city-level items
            masks["audience"][item.audience] |= bit
            masks["item_type"][item.item_type] |= bit
            masks["instant_approval"][item.instant_approval] |= bit
            masks["visits"][item.visits] |= bit
            for theme in item.themes:
                masks["theme"][theme] |= bit
            for channel in item.channels:
                masks["channel"][channel] |= bit
        summaries = tuple(_summary(item, department_map, district_map) for item in ordered)
        encoder = msgspec.json.Encoder()
        search_index = SearchIndex.build(
            [
                SearchDocument(
                    key=position, name=item.name, text=_search_text(item), popularity=item.popularity
                )
                for position, item in enumerate(ordered)
            ]
        )
        return cls(
            revision=revision,
            items=ordered,
            departments=department_map,
            districts=district_map,
            themes={t.code: t for t in themes},
            e_licence_types={e.code: e for e in e_licence_types},
            search_index=search_index,
            summaries=summaries,
            encoded_summaries=tuple(msgspec.Raw(encoder.encode(summary)) for summary in summaries),
            position_by_code={item.code: position for position, item in enumerate(ordered)},
            sort_keys=tuple((-item.popularity, item.code) for item in ordered),
            masks={name: dict(values) for name, values in masks.items()},
            everything=(1 << len(ordered)) - 1,
        )

    @classmethod
    def empty(cls) -> CatalogSnapshot:
        return cls.build(0, (), (), (), ())

    def mask(self, item_filter: ItemFilter) -> int:
        selected = self.everything
        simple = {
            "department": item_filter.department,
            "theme": item_filter.theme,
            "item_type": item_filter.item_type,
            "channel": item_filter.channel,
            "instant_approval": item_filter.instant_approval,
            "visits": item_filter.visits,
        }
        for name, value in simple.items():
            if value is not None:
                selected &= self.masks.get(name, {}).get(value, 0)
        if item_filter.district is not None:
            if item_filter.district not in self.districts:
                return 0
            # A district's view is its own items plus the city-level items everyone can use.
            district_masks = self.masks.get("district", {})
            selected &= district_masks.get(item_filter.district, 0) | district_masks.get(None, 0)
        if item_filter.audience is not None:
            audience_masks = self.masks.get("audience", {})
            selected &= audience_masks.get(item_filter.audience, 0) | audience_masks.get("both", 0)
        return selected

    def page_after(self, mask: int, after: tuple[int, str] | None, limit: int) -> tuple[list[int], bool]:
        """Positions of the next ``limit`` items in ``mask`` strictly after the sort key ``after``."""
        start = 0 if after is None else bisect.bisect_right(self.sort_keys, after)
        positions: list[int] = []
        for position in iter_bits(mask, start):
            if len(positions) == limit:
                return positions, True
            positions.append(position)
        return positions, False

    def count_by(self, dimension: str) -> dict[object, int]:
        return {value: bits.bit_count() for value, bits in self.masks.get(dimension, {}).items()}


def _summary(
    item: ServiceItem, departments: dict[str, Department], districts: dict[str, District]
) -> ItemSummary:
    department = departments.get(item.department)
    district = districts.get(item.district) if item.district else None
    return ItemSummary(
        code=item.code,
        name=item.name,
        department=NamedRef(code=item.department, name=department.name if department else item.department),
        district=NamedRef(code=district.code, name=district.name) if district else None,
        level=item.level,
        audience=item.audience,
        item_type=item.item_type,
        themes=list(item.themes),
        channels=list(item.channels),
        phone_handling=item.phone_handling,
        instant_approval=item.instant_approval,
        visits=item.visits,
        promised_days=item.promised_days,
        status=item.status,
    )
