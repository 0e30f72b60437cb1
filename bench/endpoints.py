"""The endpoints the benchmark measures: one line each, so later issues add theirs here.

Every endpoint is measured alternately with ``REFERENCE`` in the same run and reported as a ratio to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

__all__ = ["ENDPOINTS", "REFERENCE", "Endpoint"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    path: str
    # Extra request headers as (name, value) pairs: a tuple keeps the registry immutable.
    headers: tuple[tuple[str, str], ...] = ()
    # Minimum requests/s relative to the reference, from the issue that added it; None = informational.
    target_ratio: float | None = None
    # When set, each request takes the next of these paths (a wrk Lua script), e.g. to defeat response caches.
    rotating_paths: Callable[[], tuple[str, ...]] | None = None


# The cheapest useful litestar handler (a small Struct), mounted by ISHENZHEN_ENABLE_BENCH_ROUTES.
REFERENCE = Endpoint("reference", "/bench/reference")

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("health_live", "/health/live", target_ratio=0.90),  # issue 2
    Endpoint("health_ready", "/health/ready"),  # issue 2: one database round trip, informational
    # Issue 3: the catalogue, served from the in-memory snapshot.
    Endpoint("catalog_list", "/v1/catalog/items?limit=20", target_ratio=0.85),
    Endpoint(
        "catalog_list_filtered",
        "/v1/catalog/items?district=440305&audience=natural_person&channel=phone&limit=20",
        target_ratio=0.85,
    ),
    Endpoint("catalog_detail", "/v1/catalog/items/010300023000440300", target_ratio=0.85),  # 企业注销登记
    Endpoint(
        "catalog_search_chinese",
        "/v1/catalog/search?q=%E5%85%AC%E7%A7%AF%E9%87%91%E6%8F%90%E5%8F%96",
        target_ratio=0.60,
    ),  # 公积金提取
    Endpoint(
        "catalog_search_pinyin", "/v1/catalog/search?q=laolingjintie&district=440305", target_ratio=0.60
    ),
    # Distinct searches in a cycle longer than the shared response cache holds: every request really searches.
    Endpoint(
        "catalog_search_uncached", "/v1/catalog/search", target_ratio=0.60, rotating_paths=lambda: _searches()
    ),
)


@cache
def _searches() -> tuple[str, ...]:
    """Name prefixes and pinyin of real item names, in every district view."""
    from ishenzhen.catalog.source.validator import load_catalog
    from ishenzhen.catalog.text import pinyin_syllables

    names = sorted({item.name for item in load_catalog().items})
    queries: list[str] = []
    for name in names:
        queries += [name[:2], name[:4], "".join(pinyin_syllables(name[:3]))]
    # Every district view: ~24k distinct URLs, far more than the shared cache's 32 MiB holds, so a cycle misses.
    districts = [
        "",
        *(
            f"&district={code}"
            for code in (
                "440303",
                "440304",
                "440305",
                "440306",
                "440307",
                "440308",
                "440309",
                "440310",
                "440311",
                "440312",
            )
        ),
    ]
    return tuple(
        f"/v1/catalog/search?q={quote(q)}{d}" for d in districts for q in dict.fromkeys(queries) if q
    )
