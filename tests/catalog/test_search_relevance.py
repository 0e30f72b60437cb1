"""The graded relevance set (``relevance/queries.yaml``) and the figures search must keep on it."""

from __future__ import annotations

from collections import Counter

import pytest
from bench.relevance import DEPTH, Judged, judge, load_queries, score, unknown_names

from ishenzhen.catalog.model import Catalog
from ishenzhen.catalog.snapshot import CatalogSnapshot

# Floors, not goals: raise them when search gets better, never lower them to let a change through.
MIN_RECALL_AT_3 = 0.93
MIN_MRR = 0.93
MAX_EMPTY = 0
KINDS = {"exact", "official", "colloquial", "abbreviation", "pinyin", "initials", "typo", "mixed", "question"}


@pytest.fixture(scope="module")
def snapshot(real_catalog: Catalog) -> CatalogSnapshot:
    c = real_catalog
    return CatalogSnapshot.build(1, c.items, c.departments, c.districts, c.themes, c.e_licence_types)


@pytest.fixture(scope="module")
def judged(snapshot: CatalogSnapshot) -> list[Judged]:
    names = [item.name for item in snapshot.items]
    index, items = snapshot.search_index, snapshot.items
    return [
        judge(query, [items[hit.key].name for hit in index.search(query.q, limit=DEPTH).hits], names)
        for query in load_queries()
    ]


def test_the_set_is_large_graded_and_covers_every_kind_of_query() -> None:
    queries = load_queries()
    assert len(queries) >= 200
    kinds = Counter(query.kind for query in queries)
    assert set(kinds) == KINDS and min(kinds.values()) >= 10, kinds
    assert len({query.q for query in queries}) == len(queries), "a query is listed twice"
    for query in queries:
        assert set(query.expect.values()) <= {1, 2}, query.q
        assert 2 in query.expect.values(), f"{query.q}: nothing a clerk would hand over first"


def test_every_expected_item_is_in_the_catalogue(real_catalog: Catalog) -> None:
    assert unknown_names(load_queries(), (item.name for item in real_catalog.items)) == []


def test_relevance_does_not_get_worse(judged: list[Judged]) -> None:
    figures = score(judged)
    assert figures.recall_at_3 >= MIN_RECALL_AT_3, figures
    assert figures.mrr >= MIN_MRR, figures
    assert figures.empty <= MAX_EMPTY, [j.query.q for j in judged if j.empty]


def test_official_names_typed_exactly_come_first(judged: list[Judged]) -> None:
    for j in judged:
        if j.query.kind == "exact":
            assert j.names and j.names[0] == next(iter(j.query.expect)), j
