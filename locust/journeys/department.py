"""Department systems, with their own client-credentials tokens: the market-regulation bureau's system reads
its items in the registry and registers changes (draft, edit with ``If-Match``, submit for review); the
government-services bureau's reviewing system works the review queue and approves, which publishes the change
to every gateway instance while citizens browse. The demo clients exist only in development.

Status callbacks for applications come from the department simulators the stack starts (``ishenzhen serve``),
each with its department's own token, except for this bureau's applications: its case system is a Locust user
of its own (``casework.py``).
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any, ClassVar

from locust import between, task

from journeys.common import AppUser, Journey, json_body, json_field

__all__ = ["DepartmentSystem", "ReviewingSystem"]

DEPARTMENT = "market-regulation"
DEPARTMENT_CLIENT = ("dept-market-regulation", "dev-only-department-secret")
REVIEWER_CLIENT = ("dept-government-services-data", "dev-only-reviewer-secret")
# Answers a department system expects when another system (or another of its own workers) got there first.
CONFLICTS = (409, 412)


class ClientCredentialsUser(AppUser):
    abstract = True
    # A department's system keeps its own pace however many citizens there are: --think-scale leaves it alone
    # (scaled, its publications, each a catalogue rebuild on every worker, came ten times as often).
    paced_by_people = False
    credentials: ClassVar[tuple[str, str]] = DEPARTMENT_CLIENT
    scope: ClassVar[str] = "registry:write"

    def on_start(self) -> None:
        super().on_start()
        self._token: tuple[float, str] | None = None

    def bearer(self) -> dict[str, str]:
        # Tokens live 300 s by default: a new one well before it expires, as a real client would.
        if self._token is None or self._token[0] < time.monotonic():
            walking, self.journey = self.journey, "DepartmentToken"
            with self.client.post(
                "/oauth/token",
                data={"grant_type": "client_credentials", "scope": self.scope},
                auth=self.credentials,
                name="/oauth/token (client_credentials)",
                catch_response=True,
            ) as r:
                token = json_field(r, "access_token")
                if r.status_code == 200 and not token:
                    r.failure("a token response without an access token")
            self.journey = walking
            self._token = (time.monotonic() + 120, token or "") if token else None
        return {"Authorization": f"Bearer {self._token[1]}"} if self._token else {}


class SystemJourney(Journey):
    """A journey of a department system, which holds a client-credentials token."""

    if TYPE_CHECKING:  # only walked by ClientCredentialsUser (Locust types ``user`` as any User)

        @property
        def user(self) -> ClientCredentialsUser: ...


def _items(client: Any, headers: dict[str, str]) -> list[dict[str, Any]] | None:
    with client.get(
        "/v1/registry/items",
        params={"department": DEPARTMENT, "limit": 20},
        headers=headers,
        name="/v1/registry/items?department",
        catch_response=True,
    ) as r:
        items = json_field(r, "items")
        if r.status_code != 200:
            return None
        if not items or any(item["department"] != DEPARTMENT for item in items):
            r.failure("the department's list is empty or holds another department's items")
            return None
        return list(items)


class ReadTheRegistry(SystemJourney):
    """The department's items, one item's versions, and the diff between its first and latest versions."""

    @task
    def items(self) -> None:
        self.code: str | None = None
        self.latest = 1
        items = _items(self.client, self.user.bearer())
        if items:
            chosen = random.choice(items)  # noqa: S311 - load shaping, not security
            self.code, self.latest = chosen["code"], chosen["latest_version"]

    @task
    def versions(self) -> None:
        if self.code is None:
            return
        with self.client.get(
            f"/v1/registry/items/{self.code}/versions",
            headers=self.user.bearer(),
            name="/v1/registry/items/{code}/versions",
            catch_response=True,
        ) as r:
            versions = json_body(r)
            numbers = [v["version"] for v in versions] if isinstance(versions, list) else []
            # At least the latest the list showed: another system may have started a draft since.
            if r.status_code == 200 and (not numbers or numbers[-1] < self.latest):
                r.failure("the versions stop before the item's latest version")

    @task
    def diff(self) -> None:
        if self.code is None:
            return
        with self.client.get(
            f"/v1/registry/items/{self.code}/diff",
            params={"from": 1, "to": self.latest},
            headers=self.user.bearer(),
            name="/v1/registry/items/{code}/diff",
            catch_response=True,
        ) as r:
            if r.status_code == 200 and not isinstance(json_field(r, "changes"), list):
                r.failure("a diff without a list of changes")

    @task
    def done(self) -> None:
        self.finish()


NOTE = "如有疑问请致电12345。"


def edited(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its first material's notes changed (the note added, or taken away again): the kind
    of small correction departments publish every day, which changes no search result."""
    materials = [dict(material) for material in document.get("materials", [])]
    if materials:
        notes = materials[0].get("notes") or ""
        materials[0]["notes"] = notes.removesuffix(NOTE) if notes.endswith(NOTE) else notes + NOTE
    return {**document, "materials": materials}


class ChangeAnItem(SystemJourney):
    """The department corrects an item's guide: a draft from the published version, the edit, then submission
    for review. An item with a draft or a review already under way is left alone."""

    @task
    def change(self) -> None:
        headers = self.user.bearer()
        items = _items(self.client, headers) or []
        idle = [i for i in items if i.get("published_version") and not i.get("pending")]
        if not idle:
            self.finish()
        code = random.choice(idle)["code"]  # noqa: S311
        path = f"/v1/registry/items/{code}"
        with self.client.get(
            path, headers=headers, name="/v1/registry/items/{code}", catch_response=True
        ) as r:
            item, etag = json_body(r), r.headers.get("etag")
        if r.status_code != 200 or not isinstance(item, dict) or not etag:
            self.finish()
        with self.client.get(
            f"{path}/versions/{item['published_version']}",
            headers=headers,
            name="/v1/registry/items/{code}/versions/{version}",
            catch_response=True,
        ) as r:
            document = json_field(r, "document")
        if not isinstance(document, dict):
            self.finish()
        etag = self._step("POST", f"{path}/drafts", "/v1/registry/items/{code}/drafts", 201, document, etag)
        document = edited(document)
        etag = self._step("PUT", f"{path}/draft", "/v1/registry/items/{code}/draft", 200, document, etag)
        self._step("POST", f"{path}/draft/submit", "/v1/registry/items/{code}/draft/submit", 200, {}, etag)

    def _step(self, method: str, path: str, name: str, status: int, body: Any, etag: str | None) -> str:
        headers = {**self.user.bearer(), "If-Match": etag or ""}
        with self.client.request(
            method, path, json=body, headers=headers, name=name, catch_response=True
        ) as r:
            if r.status_code in CONFLICTS:
                r.success()  # another system's draft or review got there first: expected, leave it
            next_etag = r.headers.get("etag")
            ok = r.status_code == status
        if not ok or not next_etag:
            self.finish()
        return str(next_etag)

    @task
    def done(self) -> None:
        self.finish()


class ReviewTheQueue(SystemJourney):
    """The reviewing bureau approves the oldest submitted version, which publishes it at once."""

    @task
    def approve(self) -> None:
        headers = self.user.bearer()
        with self.client.get(
            "/v1/registry/review-queue",
            headers=headers,
            name="/v1/registry/review-queue",
            catch_response=True,
        ) as r:
            entries = json_field(r, "entries")
            if r.status_code == 200 and not isinstance(entries, list):
                r.failure("a review queue without entries")
        if not entries:
            self.finish()
        oldest = entries[0]
        version = oldest["version"]["version"]  # the entry carries the submitted version's summary
        with self.client.post(
            f"/v1/registry/items/{oldest['code']}/versions/{version}/approve",
            json={},
            headers=headers,
            name="/v1/registry/items/{code}/versions/{version}/approve",
            catch_response=True,
        ) as r:
            if r.status_code in CONFLICTS:
                r.success()  # decided meanwhile: expected

    @task
    def done(self) -> None:
        self.finish()


class DepartmentSystem(ClientCredentialsUser):
    """The market-regulation bureau's back office: mostly reading, now and then a change."""

    weight = 1
    wait_time = between(3.0, 8.0)
    tasks = {ReadTheRegistry: 3, ChangeAnItem: 1}  # type: ignore[assignment]


class ReviewingSystem(ClientCredentialsUser):
    """The bureau that reviews every department's changes: one such system in a run."""

    fixed_count = 1
    wait_time = between(5.0, 10.0)
    credentials = REVIEWER_CLIENT
    scope = "registry:review"
    tasks = {ReviewTheQueue: 1}  # type: ignore[assignment]
