"""The endpoints the benchmark measures: one line each, so later issues add theirs here.

Every endpoint is measured alternately with ``REFERENCE`` in the same run and reported as a ratio to it.
"""

from __future__ import annotations

import base64
import hashlib
import http.cookiejar
import json
import re
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from html import unescape
from urllib.parse import parse_qs, quote, urlencode, urlsplit

__all__ = [
    "ENDPOINTS",
    "REFERENCE",
    "UNPROTECTED",
    "Endpoint",
    "citizen_bearer",
    "client_token",
    "department_bearer",
]


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
    # Minimum requests/s relative to the bare litestar hello in its own granian process (the headline).
    bare_target_ratio: float | None = None


# The cheapest useful litestar handler (a small Struct), mounted by ISHENZHEN_ENABLE_BENCH_ROUTES: the
# in-app reference, paying the project's middleware and access log. The same path on the bare app
# (``bench.bare_app``, its own granian process) is the bare reference.
REFERENCE = Endpoint("reference", "/bench/reference")


def client_token(base_url: str, client_id: str, secret: str, scope: str | None = None) -> str:
    """client_credentials (client_secret_basic) at the service's token endpoint: a real RFC 9068 token."""
    form = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    headers = {"Authorization": f"Basic {credentials}", "Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(  # noqa: S310 - the loopback service we started
        base_url + "/oauth/token", data=urlencode(form).encode(), method="POST", headers=headers
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return str(json.loads(response.read())["access_token"])


def department_bearer(base_url: str) -> tuple[tuple[str, str], ...]:
    """The seeded demo department client's token (fresh before every run)."""
    from ishenzhen.identity.seed import DEMO_DEPARTMENT_SECRET, DEPARTMENT_CLIENT_ID

    return (
        ("Authorization", f"Bearer {client_token(base_url, DEPARTMENT_CLIENT_ID, DEMO_DEPARTMENT_SECRET)}"),
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 302 to the app's redirect URI is the answer we want, not a page to follow


# A signed-in citizen's token per service, reused while it has well over a minute left: a sign-in per wrk run
# would only exercise the login throttle.
_citizen_tokens: dict[str, tuple[float, str]] = {}
_LOOPBACK_REDIRECT = "http://127.0.0.1/callback"  # the app client's registered loopback redirect (RFC 8252)


def citizen_token(base_url: str, mobile: str = "13800000002", scope: str = "openid profile phone") -> str:
    """The mobile app's own flow against the running service: authorization code + PKCE, a demo citizen
    signing in with the demo password (张伟, real-name verified), then the code exchange."""
    from ishenzhen.identity.seed import APP_CLIENT_ID, DEMO_PASSWORD

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": APP_CLIENT_ID,
            "redirect_uri": _LOOPBACK_REDIRECT,
            "scope": scope,
            "state": secrets.token_urlsafe(8),
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    with opener.open(f"{base_url}/oauth/authorize?{query}", timeout=10) as page:
        hidden = dict(
            re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', page.read().decode())
        )
    form = {
        **{k: unescape(v) for k, v in hidden.items()},
        "action": "password",
        "mobile": mobile,
        "password": DEMO_PASSWORD,
    }
    try:
        opener.open(f"{base_url}/oauth/authorize", data=urlencode(form).encode(), timeout=10)
        raise RuntimeError("sign-in did not redirect back to the app")
    except urllib.error.HTTPError as redirect:
        if redirect.code != 302:
            raise
        code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]
    exchange = urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": _LOOPBACK_REDIRECT,
            "client_id": APP_CLIENT_ID,
            "code_verifier": verifier,
        }
    ).encode()
    with opener.open(f"{base_url}/oauth/token", data=exchange, timeout=10) as response:
        return str(json.loads(response.read())["access_token"])


def citizen_bearer(base_url: str) -> tuple[tuple[str, str], ...]:
    """A signed-in citizen (profile + phone scopes: the form comes back prefilled with name, ID, mobile)."""
    cached = _citizen_tokens.get(base_url)
    if cached is None or cached[0] < time.monotonic():
        # Access tokens live 300 s by default; renew with two minutes to spare (a run is seconds long).
        _citizen_tokens[base_url] = cached = (time.monotonic() + 180, citizen_token(base_url))
    return (("Authorization", f"Bearer {cached[1]}"),)


# The same handler without and with a bearer token (signature checked locally, scope guard).
UNPROTECTED = Endpoint("bench_unprotected", "/bench/unprotected")

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("health_live", "/health/live", target_ratio=0.90),  # liveness: no I/O at all
    Endpoint("health_ready", "/health/ready"),  # one database round trip, informational
    # The catalogue, served from the in-memory snapshot.
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
    # Target: ≥ 0.35× the bare litestar hello (goal 0.60×), the relevance work included.
    Endpoint(
        "catalog_search_uncached",
        "/v1/catalog/search",
        target_ratio=0.60,
        rotating_paths=lambda: uncached_searches(),
        bare_target_ratio=0.35,
    ),
    # As the outside check measured: 20,000 distinct query words, each searched once per cycle and never in
    # another district view, so neither the response cache nor the index's per-query match cache ever helps.
    Endpoint(
        "catalog_search_distinct",
        "/v1/catalog/search",
        rotating_paths=lambda: distinct_searches(),
        bare_target_ratio=0.35,
    ),
    # The app's home screen, anonymous (CDN-cacheable), ≥ 85 % of the reference.
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
    # An item's form for a signed-in citizen (prefilled from their account: private, per caller),
    # ≥ 60 % of the reference. A hand-written spec (应届毕业生接收) and a derived default one
    # (住房公积金提取（退休）).
    Endpoint(
        "app_form_signed_in",
        "/v1/app/items/070120001000440300/form",
        target_ratio=0.60,
        prepare=citizen_bearer,
    ),
    Endpoint(
        "app_form_signed_in_default",
        "/v1/app/items/050500004000440300/form",
        target_ratio=0.60,
        prepare=citizen_bearer,
    ),
    # Anonymous form and guide: the same bytes for everyone (CDN-cacheable). Informational.
    Endpoint("app_form", "/v1/app/items/070120001000440300/form"),
    Endpoint("app_guide", "/v1/app/items/070120001000440300/guide", headers=(("Accept-Language", "en"),)),
    # Authentication costs little: ≥ 80 % of the requests/s of the same endpoint without authentication, in the same run.
    Endpoint(
        "bench_protected",
        "/bench/protected",
        target_ratio=0.80,
        prepare=department_bearer,
        paired_with=UNPROTECTED,
    ),
)


@cache
def uncached_searches() -> tuple[str, ...]:
    """Name prefixes and pinyin of real item names, in every district view."""
    from ishenzhen.catalog.source.validator import load_catalog
    from ishenzhen.catalog.text import pinyin_syllables

    names = sorted({item.name for item in load_catalog().items})
    queries: list[str] = []
    for name in names:
        syllables = pinyin_syllables(name[:4])
        queries += [name[:2], name[:4], "".join(syllables[:3]), "".join(s[0] for s in syllables)]
    # Every district view: ~30k distinct URLs, far more than the shared cache's 32 MiB holds: a cycle misses.
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


@cache
def distinct_searches(count: int = 20_000) -> tuple[str, ...]:
    """``count`` distinct queries drawn from item names: substrings of two to five characters, their pinyin and
    their initials, in a fixed shuffled order (the outside check's kind of load)."""
    import random

    from ishenzhen.catalog.source.validator import load_catalog
    from ishenzhen.catalog.text import pinyin_syllables

    names = sorted({item.name for item in load_catalog().items})
    queries: dict[str, None] = {}
    for length in (2, 3, 4, 5):
        for name in names:
            for start in range(0, max(1, len(name) - length + 1), length):
                part = name[start : start + length]
                syllables = pinyin_syllables(part)
                for query in (part, "".join(syllables), "".join(s[0] for s in syllables if s)):
                    if query:
                        queries.setdefault(query)
            if len(queries) >= count:
                break
        if len(queries) >= count:
            break
    chosen = list(queries)[:count]
    random.Random(20261204).shuffle(chosen)
    return tuple(f"/v1/catalog/search?q={quote(query)}" for query in chosen)
