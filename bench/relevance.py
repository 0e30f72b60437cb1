"""Search relevance on the graded query set: recall@3, MRR and empty answers, overall and per kind.

    .venv/bin/python -m bench.relevance [--show-misses] [--json OUT]

Runs every query of ``tests/catalog/relevance/queries.yaml`` through the real catalogue's search (the same
snapshot the service builds, no HTTP, no filter) and scores the first page as the API returns it:

- **recall@3**: of the items graded 2 (what a clerk would hand over first), the share found in the first
  three results, out of at most three (a query with eleven right answers needs three of them, not eleven);
- **MRR**: the mean of 1 / rank of the first relevant result (grade 1 or 2) within the first ten, else 0;
- **empty**: queries that come back with no result at all although the catalogue has an item for them.

Results are compared by item name: district copies of one service share it, so a page showing the same
service five times scores it once and loses the other slots, as the citizen would.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import msgspec

QUERIES = Path(__file__).parents[1] / "tests" / "catalog" / "relevance" / "queries.yaml"
CATALOG = Path(__file__).parents[1] / "services_catalog"
TOP = 3
DEPTH = 10

__all__ = [
    "QUERIES",
    "Judged",
    "RelevanceQuery",
    "Score",
    "load_queries",
    "resolve",
    "score",
    "unknown_names",
]


class RelevanceQuery(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    q: str
    kind: str
    expect: dict[str, int]  # item name, or a name prefix ending in "*", to grade 1 or 2


class RelevanceSet(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    queries: list[RelevanceQuery]


class Judged(msgspec.Struct, frozen=True):
    query: RelevanceQuery
    names: tuple[str, ...]  # the first DEPTH result names, in order
    recall: float
    reciprocal_rank: float
    empty: bool


class Score(msgspec.Struct, frozen=True):
    queries: int
    recall_at_3: float
    mrr: float
    empty: int


def load_queries(path: Path = QUERIES) -> list[RelevanceQuery]:
    return msgspec.yaml.decode(path.read_bytes(), type=RelevanceSet).queries


def _matches(pattern: str, name: str) -> bool:
    return name.startswith(pattern[:-1]) if pattern.endswith("*") else name == pattern


def resolve(query: RelevanceQuery, names: Iterable[str]) -> dict[str, int]:
    """Every catalogue name the query expects, with its grade (the highest when two patterns match)."""
    graded: dict[str, int] = {}
    for name in names:
        for pattern, grade in query.expect.items():
            if _matches(pattern, name):
                graded[name] = max(grade, graded.get(name, 0))
    return graded


def unknown_names(queries: Sequence[RelevanceQuery], names: Iterable[str]) -> list[str]:
    """Patterns that name no item of the catalogue (a typo in the set, or a renamed item)."""
    known = set(names)
    return sorted(
        f"{query.q}: {pattern}"
        for query in queries
        for pattern in query.expect
        if not any(_matches(pattern, name) for name in known)
    )


def judge(query: RelevanceQuery, names: Sequence[str], catalogue_names: Iterable[str]) -> Judged:
    graded = resolve(query, catalogue_names)
    primary = {name for name, grade in graded.items() if grade == 2}
    first = list(dict.fromkeys(names[:TOP]))
    recall = len(primary.intersection(first)) / min(TOP, len(primary)) if primary else 1.0
    rank = next((i for i, name in enumerate(names[:DEPTH], 1) if name in graded), None)
    return Judged(
        query=query,
        names=tuple(names[:DEPTH]),
        recall=recall,
        reciprocal_rank=1 / rank if rank else 0.0,
        empty=not names and bool(graded),
    )


def score(judged: Sequence[Judged]) -> Score:
    count = len(judged)
    return Score(
        queries=count,
        recall_at_3=sum(j.recall for j in judged) / count if count else 0.0,
        mrr=sum(j.reciprocal_rank for j in judged) / count if count else 0.0,
        empty=sum(j.empty for j in judged),
    )


def run(search: Callable[[str], list[str]], catalogue_names: Sequence[str]) -> list[Judged]:
    """Judge every query of the set with ``search`` (a query → the first page's item names)."""
    return [judge(query, search(query.q), catalogue_names) for query in load_queries()]


def catalogue_search() -> tuple[Callable[[str], list[str]], list[str]]:
    """The real catalogue's snapshot search, as the API ranks it, and the catalogue's item names."""
    from ishenzhen.catalog.snapshot import CatalogSnapshot
    from ishenzhen.catalog.source.validator import load_catalog

    catalog = load_catalog(CATALOG)
    snapshot = CatalogSnapshot.build(
        1, catalog.items, catalog.departments, catalog.districts, catalog.themes, catalog.e_licence_types
    )
    items = snapshot.items

    def search(q: str) -> list[str]:
        return [items[hit.key].name for hit in snapshot.search_index.search(q, limit=DEPTH).hits]

    return search, [item.name for item in items]


def _report(judged: Sequence[Judged], show_misses: bool) -> str:
    by_kind: dict[str, list[Judged]] = defaultdict(list)
    for j in judged:
        by_kind[j.query.kind].append(j)
    lines = ["| kind | queries | recall@3 | MRR | empty |", "|---|---:|---:|---:|---:|"]
    for kind, group in [*sorted(by_kind.items()), ("**all**", list(judged))]:
        s = score(group)
        lines.append(f"| {kind} | {s.queries} | {s.recall_at_3:.3f} | {s.mrr:.3f} | {s.empty} |")
    if show_misses:
        lines.append("")
        for j in judged:
            if j.recall < 1.0 or j.empty:
                lines.append(
                    f"- {j.query.q} ({j.query.kind}) recall {j.recall:.2f}: {' / '.join(j.names[:5])}"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__.split("\n")[0])
    parser.add_argument("--show-misses", action="store_true", help="list queries below full recall@3")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the overall score as JSON")
    args = parser.parse_args(argv)
    search, names = catalogue_search()
    missing = unknown_names(load_queries(), names)
    if missing:
        print("unknown item names in the relevance set:", *missing, sep="\n  ", file=sys.stderr)
        return 1
    judged = run(search, names)
    print(_report(judged, args.show_misses))
    if args.json:
        args.json.write_bytes(msgspec.json.encode(score(judged)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
