"""Locust journeys for QA: does the service behave for many citizens at once? Not for throughput ceilings.

A single Locust process tops out near 9k requests/s on this kind of machine, below what one litestar worker
serves, so ceilings are measured by ``python -m bench`` with wrk. Here each simulated citizen walks through
journeys at human pace, and every response is checked for content, not just status.

Journeys are ``SequentialTaskSet``s listed with a weight in ``JOURNEYS``: a citizen picks one, walks it to
the end, then picks again. Later issues add theirs (catalogue browsing and search, login, applications)
as one class and one line in ``JOURNEYS``; move them into a ``journeys/`` folder next to this file when it
grows (Locust puts this file's folder on ``sys.path``).

Run: ``.venv/bin/locust -f locust/locustfile.py --headless -u 20 -r 5 -t 30s --host http://127.0.0.1:8000``
"""

from __future__ import annotations

import ipaddress
import logging
import random
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from applying import ApplyAndFollow  # this file's folder is on sys.path (Locust puts it there)
from locust import FastHttpUser, SequentialTaskSet, between, events, task
from locust.env import Environment

log = logging.getLogger("ishenzhen.locust")


def _json_field(response: Any, field: str) -> Any:
    """The body's ``field``, or None when the body is not a JSON object (the caller marks the failure)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get(field) if isinstance(body, dict) else None


def _open_item_guide(client: Any, code: str | None) -> None:
    """The catalogue's guide of the item a journey found, which must list its materials."""
    if code is None:
        return
    with client.get(f"/v1/catalog/items/{code}", name="/v1/catalog/items/{code}", catch_response=True) as r:
        if r.status_code == 200 and not _json_field(r, "materials"):
            r.failure("a guide without materials")


def check_liveness(client: Any) -> None:
    with client.get("/health/live", name="/health/live", catch_response=True) as response:
        if response.status_code == 200 and _json_field(response, "status") != "ok":
            response.failure(f"unexpected body: {response.text[:200]!r}")


def check_readiness(client: Any, name: str) -> None:
    with client.get("/health/ready", name=name, catch_response=True) as response:
        if response.status_code == 200 and _json_field(response, "database") != "ok":
            response.failure(f"ready without a database: {response.text[:200]!r}")


class Journey(SequentialTaskSet):
    """A citizen's walk through the app, step by step; the last step hands the citizen back to the user."""

    def finish(self) -> None:
        # Without this a citizen would loop inside one journey forever instead of picking the next one.
        self.interrupt(reschedule=False)


class CheckHealth(Journey):
    """What the app shell does on launch: is the service up, and is its database ready?"""

    @task
    def liveness(self) -> None:
        check_liveness(self.client)

    @task
    def readiness(self) -> None:
        check_readiness(self.client, "/health/ready")

    @task
    def done(self) -> None:
        self.finish()


class BrowseApiDocs(Journey):
    """A developer of a department's mini-app reading the API: liveness, then the OpenAPI document."""

    @task
    def liveness(self) -> None:
        check_liveness(self.client)

    @task
    def openapi_document(self) -> None:
        with self.client.get("/docs/openapi.json", catch_response=True) as response:
            if response.status_code != 200:
                return  # already a failure
            version = _json_field(response, "openapi")
            paths = _json_field(response, "paths") or {}
            if not (isinstance(version, str) and version.startswith("3.")) or "/health/live" not in paths:
                response.failure("not the service's OpenAPI 3 document")

    @task
    def done(self) -> None:
        self.finish()


DISTRICTS = ("440303", "440304", "440305", "440306", "440307", "440309")
# What citizens type: Chinese words, synonyms, full pinyin, initials, a typo.
QUERIES = (
    "公积金提取",
    "社保",
    "身份证",
    "laolingjintie",
    "lljt",
    "营业执照",
    "网约车",
    "shengyu",
    "juzhuzheng",
)


class FindAService(Journey):
    """A citizen searches for a service in their district, opens the best match and reads its guide."""

    def on_start(self) -> None:
        self.district = random.choice(DISTRICTS)  # noqa: S311 - load shaping, not security
        self.code: str | None = None

    @task
    def search(self) -> None:
        query = random.choice(QUERIES)  # noqa: S311
        params = {"q": query, "district": self.district}
        with self.client.get(
            "/v1/catalog/search", params=params, name="/v1/catalog/search", catch_response=True
        ) as r:
            results = _json_field(r, "results")
            if r.status_code != 200:
                return
            if not results:
                r.failure(f"no result for {query!r}")
                return
            self.code = results[0]["item"]["code"]

    @task
    def open_guide(self) -> None:
        _open_item_guide(self.client, self.code)

    @task
    def done(self) -> None:
        self.finish()


class BrowseByTheme(Journey):
    """A citizen picks a life event and pages through what the city offers for it, using ETags."""

    @task
    def themes(self) -> None:
        with self.client.get("/v1/catalog/themes", name="/v1/catalog/themes", catch_response=True) as r:
            try:
                themes = r.json()
            except ValueError:
                r.failure("themes is not JSON")
                return
            self.theme = random.choice([t["code"] for t in themes if t["item_count"]]) if themes else None  # noqa: S311

    @task
    def pages(self) -> None:
        if not getattr(self, "theme", None):
            return
        cursor = None
        for _ in range(3):
            params = {"theme": self.theme, "limit": 20, **({"cursor": cursor} if cursor else {})}
            with self.client.get(
                "/v1/catalog/items", params=params, name="/v1/catalog/items?theme", catch_response=True
            ) as r:
                cursor = _json_field(r, "next_cursor")
                if r.status_code == 200 and _json_field(r, "total") is None:
                    r.failure("a page without a total")
            if not cursor:
                break

    @task
    def done(self) -> None:
        self.finish()


class OpenTheApp(Journey):
    """A citizen opens the app: the home screen, then (revalidating with its ETag) their district's home in
    their language, then taps the first hot service."""

    def on_start(self) -> None:
        self.district = random.choice(DISTRICTS)  # noqa: S311
        self.language = random.choice(("zh-CN,zh;q=0.9", "en-US,en;q=0.8"))  # noqa: S311
        self.code: str | None = None

    @task
    def home(self) -> None:
        headers = {"Accept-Language": self.language}
        with self.client.get("/v1/app/home", headers=headers, name="/v1/app/home", catch_response=True) as r:
            if r.status_code == 200 and not _json_field(r, "sections"):
                r.failure("a home screen without sections")
                return
            etag = r.headers.get("etag")
        if etag:
            headers["If-None-Match"] = etag
            with self.client.get(
                "/v1/app/home", headers=headers, name="/v1/app/home (If-None-Match)", catch_response=True
            ) as r:
                if r.status_code == 304:
                    r.success()
                else:
                    r.failure(f"expected 304 for an unchanged home screen, got {r.status_code}")

    @task
    def district_home(self) -> None:
        with self.client.get(
            "/v1/app/home", params={"district": self.district}, headers={"Accept-Language": self.language},
            name="/v1/app/home?district", catch_response=True,
        ) as r:  # fmt: skip
            sections = _json_field(r, "sections") or []
            hot = next((s for s in sections if s.get("type") == "hot_services"), None)
            if r.status_code == 200 and (hot is None or not hot["items"]):
                r.failure("no hot services in a district's home screen")
                return
            if hot is not None and hot["items"]:
                self.code = hot["items"][0]["code"]

    @task
    def open_hot_service(self) -> None:
        _open_item_guide(self.client, self.code)

    @task
    def done(self) -> None:
        self.finish()


# Four of the ten hand-written instant-approval items (services_catalog/render_specs/) and two items with a
# derived default spec (住房公积金提取): what citizens open a form for.
FORM_ITEMS = (
    "070120001000440300",  # 应届毕业生接收
    "070120002000440300",
    "010200001000440300",
    "100010001000440300",
    "050500004000440300",  # default spec
    "050500002000440300",  # default spec
)


class ApplyForAService(Journey):
    """A citizen (not signed in) reads an item's guide, opens its form, revalidates it by ETag, then taps
    "check" on a half-filled form: the server must point at every missing field, and not at the filled one."""

    def on_start(self) -> None:
        self.code = random.choice(FORM_ITEMS)  # noqa: S311
        self.language = random.choice(("zh-CN", "en"))  # noqa: S311
        self.first_field: str | None = None

    @task
    def guide(self) -> None:
        with self.client.get(
            f"/v1/app/items/{self.code}/guide", headers={"Accept-Language": self.language},
            name="/v1/app/items/{code}/guide", catch_response=True,
        ) as r:  # fmt: skip
            if r.status_code == 200 and not _json_field(r, "sections"):
                r.failure("a guide without sections")

    @task
    def form(self) -> None:
        headers = {"Accept-Language": self.language}
        with self.client.get(
            f"/v1/app/items/{self.code}/form", headers=headers, name="/v1/app/items/{code}/form",
            catch_response=True,
        ) as r:  # fmt: skip
            if r.status_code != 200:
                return
            steps = _json_field(r, "steps") or []
            fields = [c for step in steps for c in step.get("components", []) if c.get("id")]
            if not fields:
                r.failure("a form without fields")
                return
            if "public" not in r.headers.get("cache-control", ""):
                r.failure("an anonymous form that a CDN may not keep")
            self.first_field = next((c["id"] for c in fields if c.get("type") == "text_input"), None)
            etag = r.headers.get("etag")
        if etag:
            with self.client.get(
                f"/v1/app/items/{self.code}/form", headers={**headers, "If-None-Match": etag},
                name="/v1/app/items/{code}/form (If-None-Match)", catch_response=True,
            ) as r:  # fmt: skip
                if r.status_code == 304:
                    r.success()
                else:
                    r.failure(f"expected 304 for an unchanged form, got {r.status_code}")

    @task
    def validate(self) -> None:
        data = {self.first_field: "张伟"} if self.first_field else {}
        with self.client.post(
            f"/v1/app/items/{self.code}/form/validate", json=data, name="/v1/app/items/{code}/form/validate",
            catch_response=True,
        ) as r:  # fmt: skip
            errors = _json_field(r, "errors") or []
            pointers = {e.get("name") for e in errors}
            if r.status_code != 422 or not errors:
                r.failure(f"a half-filled form should be 422 with every missing field, got {r.status_code}")
            elif self.first_field and f"/{self.first_field}" in pointers:
                r.failure(f"the filled field /{self.first_field} was reported as a problem")
            else:
                r.success()

    @task
    def done(self) -> None:
        self.finish()


# Journey -> weight: how often a citizen picks it relative to the others.
JOURNEYS: dict[type[SequentialTaskSet], int] = {
    CheckHealth: 1,
    BrowseApiDocs: 1,
    FindAService: 6,
    BrowseByTheme: 3,
    OpenTheApp: 6,
    ApplyForAService: 4,
    ApplyAndFollow: 2,
}


class CitizenUser(FastHttpUser):
    """One citizen with the app open: checks the service once, then walks weighted journeys at human pace."""

    host = "http://127.0.0.1:8000"
    weight = 10
    wait_time = between(0.5, 2.0)
    tasks = JOURNEYS  # type: ignore[assignment]  # locust accepts {TaskSet: weight}

    def on_start(self) -> None:
        # The app shell checks readiness on launch; a not-ready service is a failure of this journey.
        check_readiness(self.client, "/health/ready (launch)")


# The seeded demo department client (development only; production refuses demo clients).
DEPARTMENT = "market-regulation"
DEPARTMENT_CLIENT = ("dept-market-regulation", "dev-only-department-secret")


class ReadTheRegistry(Journey):
    """A department's system checks its items in the registry: the list, one item's versions, and the diff
    between its first and latest versions, with a client-credentials token."""

    @task
    def items(self) -> None:
        self.code: str | None = None
        self.latest = 1
        with self.client.get(
            "/v1/registry/items", params={"department": DEPARTMENT, "limit": 20}, headers=self.user.bearer(),
            name="/v1/registry/items?department", catch_response=True,
        ) as r:  # fmt: skip
            items = _json_field(r, "items")
            if r.status_code != 200:
                return
            if not items or any(item["department"] != DEPARTMENT for item in items):
                r.failure("the department's list is empty or holds another department's items")
                return
            chosen = random.choice(items)  # noqa: S311
            self.code, self.latest = chosen["code"], chosen["latest_version"]

    @task
    def versions(self) -> None:
        if self.code is None:
            return
        with self.client.get(
            f"/v1/registry/items/{self.code}/versions", headers=self.user.bearer(),
            name="/v1/registry/items/{code}/versions", catch_response=True,
        ) as r:  # fmt: skip
            if r.status_code != 200:
                return
            try:
                versions = r.json()
            except ValueError:
                versions = None
            if not isinstance(versions, list) or [v["version"] for v in versions][-1:] != [self.latest]:
                r.failure("the versions do not end at the item's latest version")

    @task
    def diff(self) -> None:
        if self.code is None:
            return
        with self.client.get(
            f"/v1/registry/items/{self.code}/diff", params={"from": 1, "to": self.latest},
            headers=self.user.bearer(), name="/v1/registry/items/{code}/diff", catch_response=True,
        ) as r:  # fmt: skip
            if r.status_code == 200 and not isinstance(_json_field(r, "changes"), list):
                r.failure("a diff without a list of changes")

    @task
    def done(self) -> None:
        self.finish()


class DepartmentSystem(FastHttpUser):
    """A department's back office reading the registry: rare next to citizens (weight 1 to their 10)."""

    host = "http://127.0.0.1:8000"
    weight = 1
    wait_time = between(2.0, 5.0)
    tasks = {ReadTheRegistry: 1}  # type: ignore[assignment]

    def on_start(self) -> None:
        self._token: tuple[float, str] | None = None

    def bearer(self) -> dict[str, str]:
        # Tokens live 300 s by default: a new one well before it expires, as a real client would.
        if self._token is None or self._token[0] < time.monotonic():
            with self.client.post(
                "/oauth/token", data={"grant_type": "client_credentials", "scope": "registry:write"},
                auth=DEPARTMENT_CLIENT, name="/oauth/token (client_credentials)", catch_response=True,
            ) as r:  # fmt: skip
                token = _json_field(r, "access_token")
                if r.status_code == 200 and not token:
                    r.failure("a token response without an access token")
            self._token = (time.monotonic() + 120, token or "")
        return {"Authorization": f"Bearer {self._token[1]}"}


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ready(base_url: str) -> bool:
    try:
        url = base_url.rstrip("/") + "/health/ready"
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - loopback, checked above
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@events.init.add_listener
def _preflight(environment: Environment, **_kwargs: Any) -> None:
    host = environment.host or CitizenUser.host
    # Many simulated citizens aimed at a shared or production host by mistake are a denial of service,
    # so only loopback is accepted; refused before any user starts, with a non-zero exit.
    if not _is_loopback(host):
        log.error("refusing to load %s: only loopback hosts (127.0.0.1, ::1, localhost)", host)
        raise SystemExit(2)
    # A service that is not ready would only produce a wall of identical failures. Headless only: with the
    # web UI the host may still change before the run starts.
    options = environment.parsed_options
    if options is not None and options.headless and not _is_ready(host):
        log.error("%s/health/ready does not answer 200: start the service first (./dev serve)", host)
        raise SystemExit(2)
