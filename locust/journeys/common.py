"""What every journey shares: the journey base class, response checks, and which operations the server offers.

A journey is a ``SequentialTaskSet`` with a ``label`` (its class name): every request made while a user walks
it carries the label in the request event's context, so ``journeys.report`` can give each journey its own
latency distribution and compare its p95 with the budget in ``journeys.budgets``.

Some journeys need endpoints that other branches are still building (applications, the inbox, licences, the
data-access log). They declare the operations they need in ``requires``; a user leaves out every journey whose
operations the running server's OpenAPI document does not list, and the run summary names them. Nothing is
guessed from a 404.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from locust import FastHttpUser, SequentialTaskSet

__all__ = [
    "DOCUMENT_PATH",
    "AppUser",
    "Journey",
    "OfferedOperations",
    "json_body",
    "json_field",
    "offered",
    "open_item_guide",
]

DOCUMENT_PATH = "/docs/openapi.json"
Operation = tuple[str, str]  # (method in upper case, path template as the document writes it)


def json_body(response: Any) -> Any:
    """The decoded body, or None when it is not JSON (the caller marks the failure)."""
    try:
        return response.json()
    except (ValueError, TypeError):
        return None


def json_field(response: Any, field: str) -> Any:
    """The body's ``field``, or None when the body is not a JSON object (the caller marks the failure)."""
    body = json_body(response)
    return body.get(field) if isinstance(body, dict) else None


def open_item_guide(client: Any, code: str | None) -> None:
    """The catalogue's guide of the item a journey found, which must list its materials."""
    if code is None:
        return
    with client.get(f"/v1/catalog/items/{code}", name="/v1/catalog/items/{code}", catch_response=True) as r:
        if r.status_code == 200 and not json_field(r, "materials"):
            r.failure("a guide without materials")


class OfferedOperations:
    """The operations the server under load documents, read once per Locust process from its OpenAPI document.

    Read lazily (the first user that asks), because with the web UI the host is only known when the run starts,
    and every worker process needs its own copy.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()  # gevent patches threading: this serialises greenlets
        self._operations: frozenset[Operation] | None = None
        self.error: str | None = None

    def load(self, base_url: str) -> frozenset[Operation]:
        with self._lock:
            if self._operations is None:
                self._operations = self._fetch(base_url)
            return self._operations

    def _fetch(self, base_url: str) -> frozenset[Operation]:
        url = base_url.rstrip("/") + DOCUMENT_PATH
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback, checked at init
                document = json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            # Without the document no optional journey can be shown to exist: they are all left out, loudly.
            self.error = f"{url}: {exc}"
            return frozenset()
        paths = document.get("paths", {}) if isinstance(document, dict) else {}
        return frozenset(
            (method.upper(), path)
            for path, item in paths.items()
            if isinstance(item, dict)
            for method in item
            if method in ("get", "put", "post", "delete", "patch")
        )

    def missing(self, base_url: str, required: Iterable[Operation]) -> list[Operation]:
        operations = self.load(base_url)
        return [operation for operation in required if operation not in operations]


offered = OfferedOperations()


class Journey(SequentialTaskSet):
    """A user's walk through the app, step by step; the last step hands the user back to pick the next one.

    ``requires`` lists the operations (method, path template) the journey cannot do without; ``budget_ms`` lives
    in ``journeys.budgets`` so that every budget is in one table.
    """

    requires: ClassVar[tuple[Operation, ...]] = ()

    if TYPE_CHECKING:  # every user of this suite is an AppUser (Locust types ``user`` as any User)

        @property
        def user(self) -> AppUser: ...

    @classmethod
    def label(cls) -> str:
        return cls.__name__

    def on_start(self) -> None:
        # Requests are attributed to the journey the user is walking (see ``AppUser.context``).
        self.user.journey = self.label()

    def finish(self) -> None:
        # Without this a user would loop inside one journey forever instead of picking the next one.
        self.interrupt(reschedule=False)


class AppUser(FastHttpUser):
    """A user of the app or of the API: walks weighted journeys, each request labelled with the journey.

    ``journey`` names what the user is doing outside any journey (signing in on start, say) until the first
    journey begins.
    """

    abstract = True
    host = "http://127.0.0.1:8000"
    journey = "Launch"

    def context(self) -> dict[str, Any]:
        return {"journey": self.journey}

    def on_start(self) -> None:
        # Journeys whose operations the server does not offer are never picked (the summary lists them).
        self.tasks = [
            task for task in self.tasks if not offered.missing(self.host, getattr(task, "requires", ()))
        ]
        options = self.environment.parsed_options
        if options is not None and getattr(options, "every_journey", False) and self._taskset_instance:
            # A smoke run: every journey once, in the table's order, before the weights take over.
            for journey in dict.fromkeys(self.tasks):
                self._taskset_instance.schedule_task(journey)
