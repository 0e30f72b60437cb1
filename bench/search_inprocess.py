"""In-process micro-benchmark of the catalogue search engine (no HTTP, no database).

    .venv/bin/python -m bench.search_inprocess [--scale 10] [--repeat 200]

Builds a ``SearchIndex`` from the real catalogue (``services_catalog/`` through the validator's loader, or the
generator when the folder is empty), runs a fixed, realistic mix of queries and the whole relevance set (``tests/catalog/relevance``) many times and prints p50/p99/max
per kind of query and overall, the build time and the index's memory (tracemalloc). The index keeps no
matches across calls (``match_cache_bytes=0``), so every call does a query's whole work; ``bench.search_asgi``
measures the served app, matches kept. With ``--scale 10`` it
also builds the ten-times-larger catalogue (the generator's ``--scale 10``: every kind gets sub-items named
``（情形N）``, so distinct names grow tenfold) and prints how p99 grows. The figures are timings of one thread
on this machine; the target is p99 < 1 ms at 1× and a growth below 3× at 10×.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ishenzhen.catalog.search import SearchDocument, SearchIndex

CATALOG = Path("services_catalog")
PEOPLE = ("natural_person", "natural", "both")
CLOCKS: dict[str, Callable[[], int]] = {"cpu": time.thread_time_ns, "wall": time.perf_counter_ns}

# (kind, query, filter name or None). Filters are built from the catalogue like the snapshot's masks.
QUERIES: tuple[tuple[str, str, str | None], ...] = (
    ("chinese", "公积金提取", None),
    ("chinese", "身份证", None),
    ("chinese", "居民身份证换领", None),
    ("chinese", "老龄津贴", None),
    ("chinese", "不动产登记", None),
    ("chinese", "提取公积金", None),
    ("chinese", "出生医学证明", None),
    ("chinese", "住房公积金提取（租房）", None),
    ("synonym", "社保", None),
    ("synonym", "公积金", None),
    ("synonym", "营业执照", None),
    ("synonym", "网约车", None),
    ("synonym", "医保", None),
    ("synonym", "驾照", None),
    ("synonym", "户口迁移", None),
    ("synonym", "港澳通行证", None),
    ("pinyin", "laolingjintie", None),
    ("pinyin", "gongjijin", None),
    ("pinyin", "shenfenzheng", None),
    ("pinyin", "zhufanggongjijintiqu", None),
    ("pinyin", "budongchan", None),
    ("pinyin", "shebao", None),
    ("spaced", "lao ling jin tie", None),
    ("spaced", "gong ji jin ti qu", None),
    ("spaced", "Shen Fen Zheng", None),
    ("initials", "lljt", None),
    ("initials", "gjj", None),
    ("initials", "sfz", None),
    ("initials", "bdcdj", None),
    ("typo", "laolinjintie", None),
    ("typo", "gongjijing", None),
    ("typo", "shenfemzheng", None),
    ("typo", "budongchna", None),
    ("typo", "xhebaoka", None),
    ("broad", "证", None),
    ("broad", "登记", None),
    ("broad", "申请", None),
    ("broad", "g", None),
    ("broad", "shen", None),
    ("no-hit", "量子纠缠火箭发射许可", None),
    ("no-hit", "xqzwkv", None),
    ("no-hit", "社保abc😀", None),
    ("no-hit", "\x00\x01", None),
    ("no-hit", "查" * 100, None),
    ("filtered", "老龄津贴", "district"),
    ("filtered", "身份证", "district"),
    ("filtered", "登记", "department"),
    ("filtered", "gongjijin", "audience"),
    ("filtered", "lljt", "district"),
    ("filtered", "证", "instant"),
)


def _item_text(item: Any) -> str:
    """The secondary text, as the snapshot builds it: keywords, result, materials, acceptance conditions."""
    parts = [
        *getattr(item, "keywords", ()),
        getattr(getattr(item, "result", None), "name", ""),
        *(material.name for material in getattr(item, "materials", ())),
        *getattr(item, "acceptance_conditions", ()),
    ]
    return "；".join(part for part in parts if part)


def load_items(scale: int) -> tuple[list[Any], str]:
    """Catalogue items (most popular first, then code) and where they came from."""
    items: list[Any] | None = None
    source = ""
    if scale == 1 and any((CATALOG / "items").glob("*.yaml")):
        try:
            from ishenzhen.catalog.source.validator import load_catalog
        except ImportError:
            pass
        else:
            items, source = list(load_catalog(CATALOG).items), f"{CATALOG}/ (validator.load_catalog)"
    if items is None:
        try:
            from tools.catalog_generator.generator import build_catalog
        except ImportError:
            items, source = synthetic_items(scale), "synthetic"
        else:
            items, source = list(build_catalog(scale).items), f"generator.build_catalog(scale={scale})"
    items.sort(key=lambda item: (-item.popularity, item.code))
    return items, source


def synthetic_items(scale: int) -> list[Any]:
    """A stand-in when the catalogue package is missing: real names × districts × 分项 suffixes."""
    from types import SimpleNamespace

    kinds = (
        "居民身份证换领",
        "居民身份证补领",
        "住房公积金提取（租房）",
        "住房公积金提取（购房）",
        "老龄津贴发放",
        "企业设立登记",
        "个体工商户设立登记",
        "网络预约出租汽车驾驶员证核发",
        "灵活就业人员参加基本养老保险登记",
        "社会保险关系转移",
        "生育登记",
        "机动车驾驶证换证",
        "不动产登记资料查询",
        "出生医学证明补发",
    )
    districts = (
        "福田区",
        "罗湖区",
        "南山区",
        "盐田区",
        "宝安区",
        "龙岗区",
        "龙华区",
        "坪山区",
        "光明区",
        "大鹏新区",
    )
    items = []
    for n in range(7484 * scale):
        kind = kinds[n % len(kinds)]
        suffix = f"（{districts[n // len(kinds) % 10]}）" if n % 3 else ""
        part = n // (len(kinds) * 10)
        name = f"{kind}{suffix}" + (f"（情形{part}）" if part else "")
        items.append(
            SimpleNamespace(
                code=f"{n:08d}",
                name=name,
                popularity=(n * 7919) % 1000,
                keywords=[kind],
                district=districts[n % 10] if n % 3 else None,
                department=f"d{n % 68}",
                audience="natural" if n % 2 else "legal",
                instant_approval=n % 37 == 0,
            )
        )
    return items


def filters(items: Sequence[Any]) -> dict[str, int]:
    """A few allowed-masks as the list endpoint would build them (district view includes city items)."""

    def mask(keep: Callable[[Any], bool]) -> int:
        bits = 0
        for position, item in enumerate(items):
            if keep(item):
                bits |= 1 << position
        return bits

    districts = sorted({item.district for item in items if item.district})
    middle = districts[len(districts) // 2] if districts else None
    departments = sorted({item.department for item in items})
    return {
        "district": mask(lambda item: item.district in (None, middle)),
        "department": mask(lambda item: item.department == departments[0]),
        "audience": mask(lambda item: getattr(item, "audience", None) in PEOPLE),
        "instant": mask(lambda item: bool(getattr(item, "instant_approval", False))),
    }


def build(items: Sequence[Any]) -> tuple[SearchIndex, float, int, int]:
    # District copies of one service share its basic code and are one result, as in the snapshot.
    services: dict[str, int] = {}
    documents = [
        SearchDocument(
            key=position,
            name=item.name,
            text=_item_text(item),
            popularity=item.popularity,
            group=services.setdefault(getattr(item, "basic_code", item.code), len(services)),
        )
        for position, item in enumerate(items)
    ]
    gc.collect()
    started = time.perf_counter()
    SearchIndex.build(documents, match_cache_bytes=0)
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    # No matches kept: the mix repeats every query, and each call must pay for the whole search.
    index = SearchIndex.build(documents, match_cache_bytes=0)
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return index, seconds, current, peak


def relevance_queries() -> tuple[tuple[str, str, str | None], ...]:
    """Every query of the relevance set (tests/catalog/relevance/queries.yaml), as kind "relevance"."""
    from bench.relevance import load_queries

    return tuple(("relevance", query.q, None) for query in load_queries())


def measure(
    index: SearchIndex, masks: dict[str, int], repeat: int, clock: Callable[[], int]
) -> dict[str, list[float]]:
    """Microseconds per call, per kind, queries interleaved so no kind enjoys a warm cache alone."""
    mix = (*QUERIES, *relevance_queries())
    timings: dict[str, list[float]] = {kind: [] for kind, _, _ in mix}
    for _, query, filter_name in mix:  # warm-up
        index.search(query, allowed=masks.get(filter_name or ""))
    for _ in range(repeat):
        for kind, query, filter_name in mix:
            allowed = masks[filter_name] if filter_name else None
            started = clock()
            index.search(query, allowed=allowed)
            timings[kind].append((clock() - started) / 1000)
    timings["overall"] = [t for kind in list(timings) for t in timings[kind]]
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(scale: int, repeat: int, clock_name: str) -> dict[str, list[float]]:
    items, source = load_items(scale)
    index, seconds, current, peak = build(items)
    names = len({item.name for item in items})
    print(f"\n== scale {scale}: {len(items):,} items, {names:,} distinct names — {source}")
    mib = 2**20
    print(f"build {seconds:.2f} s; index memory {current / mib:.1f} MiB (build peak {peak / mib:.1f} MiB)")
    gc.collect()
    gc.freeze()  # as a server does after loading: the long-lived index is not rescanned by every collection
    timings = measure(index, filters(items), repeat, CLOCKS[clock_name])
    gc.unfreeze()
    print(f"{clock_name} time per search:")
    print(f"{'kind':10} {'calls':>6} {'p50 µs':>8} {'p99 µs':>8} {'max µs':>8}")
    for kind, values in timings.items():
        print(
            f"{kind:10} {len(values):6} {statistics.median(values):8.1f} {percentile(values, 0.99):8.1f} "
            f"{max(values):8.1f}"
        )
    return timings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search_inprocess",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", type=int, default=1, help="also measure a catalogue N times larger")
    parser.add_argument("--repeat", type=int, default=200, help="runs of the whole query mix [200]")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: this thread's CPU time, blind to other processes on a shared machine "
        "(default); wall: elapsed time, as a client sees it",
    )
    args = parser.parse_args(argv)
    base = run(1, args.repeat, args.clock)
    p99 = percentile(base["overall"], 0.99)
    verdict = "ok" if p99 < 1000 else "FAIL"
    print(f"\np99 overall at 1×: {p99:.1f} µs (target < 1000 µs): {verdict}")
    relevance = percentile(base["relevance"], 0.99)
    print(f"p99 on the relevance set at 1×: {relevance:.1f} µs: {'ok' if relevance < 1000 else 'FAIL'}")
    if args.scale > 1:
        large = run(args.scale, args.repeat, args.clock)
        print(f"\np99 growth at {args.scale}× (target < 3× at 10×):")
        for kind in base:
            ratio = percentile(large[kind], 0.99) / percentile(base[kind], 0.99)
            print(f"  {kind:10} {ratio:5.2f}×")
        ratio = percentile(large["overall"], 0.99) / p99
        print(f"overall p99 growth: {ratio:.2f}×: {'ok' if ratio < 3 else 'FAIL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
