"""The endpoints the benchmark measures: one line each, so later issues add theirs here.

Every endpoint is measured alternately with ``REFERENCE`` in the same run and reported as a ratio to it.
"""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

__all__ = ["ENDPOINTS", "REFERENCE", "UNPROTECTED", "Endpoint", "department_bearer"]


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
    # Headers obtained from the running service (base URL) before each run, e.g. a fresh bearer token.
    prepare: Callable[[str], tuple[tuple[str, str], ...]] | None = None
    # Measured alternately with this endpoint instead of REFERENCE; the ratio is then to this one.
    paired_with: Endpoint | None = None


# The cheapest useful litestar handler (a small Struct), mounted by ISHENZHEN_ENABLE_BENCH_ROUTES.
REFERENCE = Endpoint("reference", "/bench/reference")



def department_bearer(base_url: str) -> tuple[tuple[str, str], ...]:
    """client_credentials with the seeded demo department client: a real RFC 9068 token from the service."""
    from ishenzhen.identity.seed import DEMO_DEPARTMENT_SECRET, DEPARTMENT_CLIENT_ID

    credentials = base64.b64encode(f"{DEPARTMENT_CLIENT_ID}:{DEMO_DEPARTMENT_SECRET}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - the loopback service we started
        base_url + "/oauth/token", data=b"grant_type=client_credentials", method="POST",
        headers={"Authorization": f"Basic {credentials}", "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        token = json.loads(response.read())["access_token"]
    return (("Authorization", f"Bearer {token}"),)


# Issue 4: the same handler without and with a bearer token (signature checked locally, scope guard).
UNPROTECTED = Endpoint("bench_unprotected", "/bench/unprotected")

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
    # Issue 5: the app's home screen, anonymous (CDN-cacheable), ≥ 85 % of the reference.
    Endpoint("app_home", "/v1/app/home", target_ratio=0.85),
    Endpoint(
        "app_home_district_en",
        "/v1/app/home?district=440305",
        headers=(("Accept-Language", "en"),),
        target_ratio=0.85,
    ),
    # The same past the shared response cache (a cookie bypasses it): litestar and the handler's own
    # pre-encoded screens, what a request costs the first times a key is seen. Informational.
    Endpoint("app_home_handler", "/v1/app/home?district=440305", headers=(("Cookie", "bench=1"),)),
    # Signed in (any valid bearer token): the same layout plus 我的办件, private. Informational.
    Endpoint("app_home_signed_in", "/v1/app/home", prepare=department_bearer),
    # Issue 4: ≥ 80 % of the requests/s of the same endpoint without authentication, in the same run.
    Endpoint("bench_protected", "/bench/protected", target_ratio=0.80, prepare=department_bearer,
             paired_with=UNPROTECTED),  # fmt: skip
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
