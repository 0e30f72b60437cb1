"""Filters and pagination over the in-memory snapshot, checked against a plain Python filter."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ishenzhen.catalog.snapshot import CatalogSnapshot, ItemFilter, iter_bits
from tests.catalog.factories import DEPARTMENTS, DISTRICTS, THEMES, item

ITEMS = [
    item("A01", "居民身份证换领", popularity=900),
    item("A02", "居民身份证补领", popularity=800, channels=["window"], visits=1, visit_reason="现场采集指纹"),
    item(
        "B01",
        "老龄津贴发放",
        department="shi-minzheng-ju",
        level="district",
        district="440304",
        themes=["yanglao"],
        instant_approval=True,
        popularity=700,
    ),
    item(
        "B02",
        "老龄津贴发放",
        department="shi-minzheng-ju",
        level="district",
        district="440305",
        themes=["yanglao"],
        instant_approval=True,
        popularity=700,
    ),
    item(
        "B03",
        "社会组织成立登记",
        department="shi-minzheng-ju",
        audience="legal_person",
        themes=[],
        item_type="licence",
        popularity=50,
    ),
    item("B04", "慈善组织认定", department="shi-minzheng-ju", audience="both", themes=[], popularity=50),
]


def snapshot() -> CatalogSnapshot:
    return CatalogSnapshot.build(1, ITEMS, DEPARTMENTS, DISTRICTS, THEMES)


def codes(snap: CatalogSnapshot, mask: int) -> list[str]:
    return [snap.items[p].code for p in iter_bits(mask)]


def test_stable_order_is_popularity_then_code() -> None:
    assert [i.code for i in snapshot().items] == ["A01", "A02", "B01", "B02", "B03", "B04"]


def test_district_view_includes_city_level_items_but_not_other_districts() -> None:
    snap = snapshot()
    assert codes(snap, snap.mask(ItemFilter(district="440304"))) == ["A01", "A02", "B01", "B03", "B04"]


def test_audience_filter_includes_items_for_both() -> None:
    snap = snapshot()
    assert codes(snap, snap.mask(ItemFilter(audience="legal_person"))) == ["B03", "B04"]


def test_filters_combine() -> None:
    snap = snapshot()
    chosen = ItemFilter(department="shi-minzheng-ju", instant_approval=True, theme="yanglao", channel="phone")
    assert codes(snap, snap.mask(chosen)) == ["B01", "B02"]
    assert codes(snap, snap.mask(ItemFilter(visits=1))) == ["A02"]
    assert codes(snap, snap.mask(ItemFilter(department="nobody"))) == []


@settings(max_examples=200)
@given(
    mask=st.integers(min_value=0, max_value=(1 << len(ITEMS)) - 1),
    limit=st.integers(min_value=1, max_value=4),
)
def test_paging_visits_every_selected_item_once_in_order(mask: int, limit: int) -> None:
    snap = snapshot()
    seen: list[int] = []
    after = None
    while True:
        positions, more = snap.page_after(mask, after, limit)
        seen.extend(positions)
        if not more:
            break
        assert len(positions) == limit
        after = snap.sort_keys[positions[-1]]
    assert seen == [p for p in range(len(ITEMS)) if mask >> p & 1]


@given(st.integers(min_value=0, max_value=(1 << 300) - 1), st.integers(min_value=0, max_value=310))
def test_iter_bits_matches_a_plain_scan(mask: int, start: int) -> None:
    assert list(iter_bits(mask, start)) == [p for p in range(start, 300) if mask >> p & 1]
