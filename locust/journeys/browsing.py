"""Anonymous browsing: what most people do most of the time, signed in or not.

Opening the app (home, revalidated by ETag, then a district's home in the user's language), searching with what
citizens really type (the search relevance set when the repository has it), a theme's pages, an item's guide,
and checking a half-filled form. Every response is checked for content, not just status.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml
from locust import between, task

from journeys.common import AppUser, Journey, json_body, json_field, open_item_guide

__all__ = ["SEARCHES", "AnonymousUser", "check_readiness"]

DISTRICTS = ("440303", "440304", "440305", "440306", "440307", "440309")
LANGUAGES = ("zh-CN,zh;q=0.9", "zh-CN,zh;q=0.9", "zh-CN,zh;q=0.9", "en-US,en;q=0.8")  # mostly Chinese

# The search engineers' relevance set: graded queries of every kind citizens type (exact and official names,
# colloquial words, abbreviations, pinyin, initials, typos, mixed, questions), in the proportions they chose.
RELEVANCE_SET = Path(__file__).resolve().parents[2] / "tests" / "catalog" / "relevance" / "queries.yaml"
# Used while that set is not in the repository: the same kinds, fewer of each.
FALLBACK_SEARCHES: tuple[tuple[str, str], ...] = (
    ("公积金提取", "official"),
    ("居民身份证换领", "exact"),
    ("结婚登记", "exact"),
    ("营业执照", "colloquial"),
    ("开饭店", "colloquial"),
    ("生孩子", "colloquial"),
    ("退休", "colloquial"),
    ("社保", "abbreviation"),
    ("医保", "abbreviation"),
    ("laolingjintie", "pinyin"),
    ("juzhuzheng", "pinyin"),
    ("shebao", "pinyin"),
    ("lljt", "initials"),
    ("gjj", "initials"),
    ("sfz", "initials"),
    ("公基金", "typo"),
    ("身分证", "typo"),
    ("网约车 驾驶员", "mixed"),
    ("怎么办居住证", "question"),
    ("孩子上学要什么材料", "question"),
)


def _load_searches(path: Path) -> tuple[tuple[str, str], ...]:
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]
        found = tuple((str(e["q"]), str(e.get("kind", "unknown"))) for e in entries if e.get("q"))
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        return FALLBACK_SEARCHES
    return found or FALLBACK_SEARCHES


SEARCHES = _load_searches(RELEVANCE_SET)


def check_liveness(client: Any) -> None:
    with client.get("/health/live", name="/health/live", catch_response=True) as response:
        if response.status_code == 200 and json_field(response, "status") != "ok":
            response.failure(f"unexpected body: {response.text[:200]!r}")


def check_readiness(client: Any, name: str = "/health/ready") -> None:
    with client.get("/health/ready", name=name, catch_response=True) as response:
        if response.status_code == 200 and json_field(response, "database") != "ok":
            response.failure(f"ready without a database: {response.text[:200]!r}")


class CheckHealth(Journey):
    """What the app shell does now and then: is the service up, and is its database ready?"""

    @task
    def liveness(self) -> None:
        check_liveness(self.client)

    @task
    def readiness(self) -> None:
        check_readiness(self.client)

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
            version = json_field(response, "openapi")
            paths = json_field(response, "paths") or {}
            if not (isinstance(version, str) and version.startswith("3.")) or "/health/live" not in paths:
                response.failure("not the service's OpenAPI 3 document")

    @task
    def done(self) -> None:
        self.finish()


class FindAService(Journey):
    """A citizen searches (in their district, or city-wide), opens the best match and reads its guide.

    An empty answer is not a failure here (how often the set finds nothing is the relevance benchmark's
    figure, not a load test's); a malformed one is.
    """

    def on_start(self) -> None:
        super().on_start()
        self.code: str | None = None

    @task
    def search(self) -> None:
        query, _kind = random.choice(SEARCHES)  # noqa: S311 - load shaping, not security
        params = {"q": query}
        if random.random() < 0.5:  # noqa: S311
            params["district"] = random.choice(DISTRICTS)  # noqa: S311
        with self.client.get(
            "/v1/catalog/search", params=params, name="/v1/catalog/search", catch_response=True
        ) as r:
            results = json_field(r, "results")
            if r.status_code != 200:
                return
            if not isinstance(results, list):
                r.failure("a search answer without a results list")
                return
            self.code = results[0]["item"]["code"] if results else None

    @task
    def open_guide(self) -> None:
        open_item_guide(self.client, self.code)

    @task
    def done(self) -> None:
        self.finish()


class BrowseByTheme(Journey):
    """A citizen picks a life event and pages through what the city offers for it."""

    def on_start(self) -> None:
        super().on_start()
        self.theme: str | None = None

    @task
    def themes(self) -> None:
        with self.client.get("/v1/catalog/themes", name="/v1/catalog/themes", catch_response=True) as r:
            themes = json_body(r)
            if r.status_code != 200:
                return
            if not isinstance(themes, list) or not themes:
                r.failure("themes is not a non-empty list")
                return
            self.theme = random.choice([t["code"] for t in themes if t["item_count"]])  # noqa: S311

    @task
    def pages(self) -> None:
        if self.theme is None:
            return
        cursor = None
        for _ in range(random.randint(1, 3)):  # noqa: S311 - most people stop after the first page
            params = {"theme": self.theme, "limit": 20, **({"cursor": cursor} if cursor else {})}
            with self.client.get(
                "/v1/catalog/items", params=params, name="/v1/catalog/items?theme", catch_response=True
            ) as r:
                cursor = json_field(r, "next_cursor")
                if r.status_code == 200 and json_field(r, "total") is None:
                    r.failure("a page without a total")
            if not cursor:
                break

    @task
    def done(self) -> None:
        self.finish()


class OpenTheApp(Journey):
    """A citizen opens the app: the home screen, then (revalidating with its ETag) their district's home in
    their language, then taps the first hot service and reads its guide."""

    def on_start(self) -> None:
        super().on_start()
        self.district = random.choice(DISTRICTS)  # noqa: S311
        self.language = random.choice(LANGUAGES)  # noqa: S311
        self.code: str | None = None

    @task
    def home(self) -> None:
        headers = {"Accept-Language": self.language}
        with self.client.get("/v1/app/home", headers=headers, name="/v1/app/home", catch_response=True) as r:
            if r.status_code == 200 and not json_field(r, "sections"):
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
                elif r.status_code == 200 and r.headers.get("etag") not in (None, etag):
                    pass  # a publication changed the home screen in between: a new version is right
                else:
                    r.failure(f"expected 304 for an unchanged home screen, got {r.status_code}")

    @task
    def district_home(self) -> None:
        with self.client.get(
            "/v1/app/home",
            params={"district": self.district},
            headers={"Accept-Language": self.language},
            name="/v1/app/home?district",
            catch_response=True,
        ) as r:
            sections = json_field(r, "sections") or []
            hot = next((s for s in sections if s.get("type") == "hot_services"), None)
            if r.status_code == 200 and (hot is None or not hot["items"]):
                r.failure("no hot services in a district's home screen")
                return
            if hot is not None and hot["items"]:
                self.code = hot["items"][0]["code"]

    @task
    def open_hot_service(self) -> None:
        if self.code is None:
            return
        with self.client.get(
            f"/v1/app/items/{self.code}/guide",
            headers={"Accept-Language": self.language},
            name="/v1/app/items/{code}/guide",
            catch_response=True,
        ) as r:
            if r.status_code == 200 and not json_field(r, "sections"):
                r.failure("a guide without sections")

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


class CheckAForm(Journey):
    """A citizen (not signed in) reads an item's guide, opens its form, revalidates it by ETag, then taps
    "check" on a half-filled form: the server must point at every missing field, and not at the filled one."""

    def on_start(self) -> None:
        super().on_start()
        self.code = random.choice(FORM_ITEMS)  # noqa: S311
        self.language = random.choice(("zh-CN", "en"))  # noqa: S311
        self.first_field: str | None = None

    @task
    def guide(self) -> None:
        with self.client.get(
            f"/v1/app/items/{self.code}/guide",
            headers={"Accept-Language": self.language},
            name="/v1/app/items/{code}/guide",
            catch_response=True,
        ) as r:
            if r.status_code == 200 and not json_field(r, "sections"):
                r.failure("a guide without sections")

    @task
    def form(self) -> None:
        headers = {"Accept-Language": self.language}
        with self.client.get(
            f"/v1/app/items/{self.code}/form",
            headers=headers,
            name="/v1/app/items/{code}/form",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                return
            steps = json_field(r, "steps") or []
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
                f"/v1/app/items/{self.code}/form",
                headers={**headers, "If-None-Match": etag},
                name="/v1/app/items/{code}/form (If-None-Match)",
                catch_response=True,
            ) as r:
                if r.status_code == 304:
                    r.success()
                elif r.status_code == 200 and r.headers.get("etag") not in (None, etag):
                    pass  # the item was republished in between: the new form is right
                else:
                    r.failure(f"expected 304 for an unchanged form, got {r.status_code}")

    @task
    def validate(self) -> None:
        data = {self.first_field: "张伟"} if self.first_field else {}
        with self.client.post(
            f"/v1/app/items/{self.code}/form/validate",
            json=data,
            name="/v1/app/items/{code}/form/validate",
            catch_response=True,
        ) as r:
            errors = json_field(r, "errors") or []
            pointers = {e.get("name") for e in errors}
            if r.status_code != 422 or not errors:
                r.failure(f"a half-filled form should be 422 with every missing field, got {r.status_code}")
            elif self.first_field and f"/{self.first_field}" in pointers:
                r.failure(f"the filled field /{self.first_field} was reported as a problem")
            else:
                r.success()  # the 422 this journey expects

    @task
    def done(self) -> None:
        self.finish()


class AnonymousUser(AppUser):
    """Someone with the app open, not signed in: the bulk of a real day's traffic."""

    weight = 12
    wait_time = between(1.0, 4.0)  # reading a screen, then tapping
    tasks = {  # type: ignore[assignment]  # locust accepts {TaskSet: weight}
        OpenTheApp: 8,
        FindAService: 8,
        BrowseByTheme: 4,
        CheckAForm: 3,
        CheckHealth: 1,
        BrowseApiDocs: 1,
    }

    def on_start(self) -> None:
        super().on_start()
        # The app shell checks readiness on launch (counted under the "Launch" journey).
        check_readiness(self.client, "/health/ready (launch)")
