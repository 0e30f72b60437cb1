"""Applying (办件) and following: on when the server's document lists ``POST /v1/applications``.

A verified citizen (or an enterprise's agent, for the enterprise) opens an online item's form, uploads the
photos its upload fields ask for, submits with an ``Idempotency-Key`` (and now and then submits the same again,
as an app does after a lost answer: the stored answer must come back, same id), then follows the application
by polling its status timeline until the department has moved it on, or a bounded number of polls.
Half the applications go to instant-approval (秒批) items, which should be decided while the citizen watches.

Forms are filled as the app's user would: prefilled values kept, the demo person's name, ID number and mobile
where the field asks for them, the first option of a choice, the agreement ticked, a small PNG per upload.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import time
import uuid
import zlib
from typing import Any

from locust import task

from journeys.common import json_body, json_field
from journeys.signin import ENTERPRISE_CREDIT_CODE, SignedInJourney

__all__ = ["ApplyOnline", "FollowMyApplications", "png"]

# The seeded demo people with a real name (13800000001 has none: the app sends it to verification first).
PEOPLE = {"13800000002": ("张伟", "440303198503120017"), "13800000003": ("李娜", "440305199207060029")}
ENTERPRISE_NAME = "深圳市示例科技有限公司"
UNDECIDED = frozenset({"submitted", "delivered", "accepted", "in_review"})
POLLS, POLL_SECONDS = 5, 2.0


def png(width: int = 16, height: int = 16) -> bytes:
    """A valid RGB PNG of one colour: what a phone camera would upload, minus the megabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


_PHOTO = png()


class _ItemLists:
    """Online items per audience, and the instant-approval ones, listed once per process from the catalogue."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, bool], list[str]] = {}

    def pick(self, client: Any, audience: str, instant: bool) -> str | None:
        key = (audience, instant)
        if key not in self.codes:
            params: dict[str, Any] = {"channel": "online", "audience": audience, "visits": 0, "limit": 50}
            if instant:
                params["instant_approval"] = "true"
            with client.get(
                "/v1/catalog/items",
                params=params,
                name="/v1/catalog/items?channel=online",
                catch_response=True,
            ) as r:
                items = json_field(r, "items")
                if r.status_code != 200:
                    return None
                if not isinstance(items, list):
                    r.failure("a page without items")
                    return None
                self.codes[key] = [str(item["code"]) for item in items]
        codes = self.codes[key]
        return random.choice(codes) if codes else None  # noqa: S311


_items = _ItemLists()


def _components(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def visit(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            out.append(node)
            visit(node.get("components", []))

    for step in steps:
        visit(step.get("components", []))
    return out


class ApplyOnline(SignedInJourney):
    requires = (
        ("POST", "/v1/applications"),
        ("GET", "/v1/applications/{application_id}"),
        ("POST", "/v1/materials"),
    )

    def on_start(self) -> None:
        super().on_start()
        self.code: str | None = None
        self.fields: list[dict[str, Any]] = []
        self.version: int | None = None
        self.application: str | None = None
        self.data: dict[str, Any] = {}

    min_level = 2  # applications:submit

    @task
    def choose(self) -> None:
        audience = "legal_person" if self.user.party else "natural_person"
        self.code = _items.pick(self.client, audience, instant=random.random() < 0.5)  # noqa: S311
        if self.code is None:
            self.finish()

    @task
    def form(self) -> None:
        with self.client.get(
            f"/v1/app/items/{self.code}/form", headers=self.headers(), name="/v1/app/items/{code}/form (signed in)",
            catch_response=True,
        ) as r:  # fmt: skip
            # Leaving the journey inside the block would lose the unmarked response: decide after it.
            steps = json_field(r, "steps")
            if r.status_code == 200 and not isinstance(steps, list):
                r.failure("a form without steps")
            version = json_field(r, "version")
        if not isinstance(steps, list):
            self.finish()
        self.fields = [c for c in _components(steps) if c.get("id")]
        self.version = version if isinstance(version, int) else None

    @task
    def fill(self) -> None:
        if self.user.mobile not in PEOPLE:
            return  # not verified: the submission below must be refused for its level, whatever it holds
        name, id_number = PEOPLE[self.user.mobile]
        known: dict[str, Any] = {
            "applicant_name": name, "applicant_id_number": id_number, "contact_name": name,
            "contact_mobile": self.user.mobile, "enterprise_name": ENTERPRISE_NAME,
            "enterprise_credit_code": ENTERPRISE_CREDIT_CODE, "credit_code": ENTERPRISE_CREDIT_CODE,
        }  # fmt: skip
        # Fields are answered before any upload, so a form this journey cannot fill costs no uploads.
        for field in self.fields:
            if field.get("required") and field.get("type") != "upload":
                answer = field.get("value") or known.get(field["id"]) or self._answer(field, name, id_number)
                if answer is None:
                    # An e-licence from the wallet, a pattern only the citizen knows: the app would send them
                    # to the wallet or let them type; this journey ends before submitting a form it guessed.
                    self.finish()
                self.data[field["id"]] = answer
        for field in self.fields:
            if field.get("type") == "upload" and field.get("required"):
                uploaded = self._upload(field.get("material") or "材料")
                if uploaded is None:
                    self.finish()
                self.data[field["id"]] = [uploaded]

    def _answer(self, field: dict[str, Any], name: str, id_number: str) -> Any:
        kind = str(field.get("type"))
        if kind == "e_licence" or (kind == "text_input" and field.get("pattern")):
            return None
        options = [o["value"] for o in field.get("options", [])]
        return {
            "resident_id": id_number, "mobile": self.user.mobile, "agreement": True,
            "select": options[0] if options else None, "radio": options[0] if options else None,
            "checkbox": options[: max(1, field.get("min_selected") or 1)], "date_input": dt.date.today().isoformat(),
            "number_input": field.get("minimum") or 1,
            "address": {"district": "440303", "detail": "深南东路 1 号"},
        }.get(kind, name)  # fmt: skip

    def _upload(self, material: str) -> str | None:
        with self.client.post(
            "/v1/materials", params={"name": f"{material[:40]}.png"}, data=_PHOTO,
            headers={**self.headers(), "Content-Type": "application/octet-stream"}, name="/v1/materials",
            catch_response=True,
        ) as r:  # fmt: skip
            upload = json_field(r, "id")
            if r.status_code == 201 and not upload:
                r.failure("an upload answer without an id")
            return str(upload) if r.status_code == 201 and upload else None

    @task
    def submit(self) -> None:
        party = (
            {"kind": "enterprise", "credit_code": self.user.party} if self.user.party else {"kind": "self"}
        )
        body: dict[str, Any] = {"item_code": self.code, "form": self.data, "acting_party": party}
        if self.version is not None:
            body["item_version"] = self.version
        key = str(uuid.uuid4())
        headers = {**self.headers(), "Idempotency-Key": key}
        with self.client.post(
            "/v1/applications", json=body, headers=headers, name="/v1/applications", catch_response=True
        ) as r:
            answer = json_body(r)
            accepted = (
                r.status_code == 202
                and isinstance(answer, dict)
                and answer.get("id")
                and answer.get("number")
            )
            if self.refused_for_level(r):
                accepted = False
            elif r.status_code == 403 and "L" in str(json_field(r, "detail")):
                r.success()  # the item asks for a higher assurance level than the account has: expected
            elif r.status_code == 202 and not accepted:
                r.failure("a 202 without the application's id and number")
            elif not accepted:  # say why, so the report shows what the filled form lacked
                detail = str(json_field(r, "detail"))[:200]
                errors = [f"{e.get('name')}: {e.get('reason')}" for e in (json_field(r, "errors") or [])[:5]]
                r.failure(f"{r.status_code} {detail} {'; '.join(errors)}")
        if not accepted:
            self.finish()  # any other answer is already counted as a failure, with its problem in the report
        self.application = str(answer["id"])
        if random.random() < 0.2:  # noqa: S311 - the app retries after a lost answer, with the same key
            with self.client.post(
                "/v1/applications", json=body, headers=headers, name="/v1/applications (same key again)",
                catch_response=True,
            ) as r:  # fmt: skip
                if r.status_code == 202 and json_field(r, "id") != self.application:
                    r.failure("the same Idempotency-Key and body gave another application")

    @task
    def follow(self) -> None:
        for _ in range(POLLS):
            with self.client.get(
                f"/v1/applications/{self.application}", headers=self.headers(),
                name="/v1/applications/{id}", catch_response=True,
            ) as r:  # fmt: skip
                status, timeline = json_field(r, "status"), json_field(r, "timeline")
                if r.status_code != 200:
                    break
                if not isinstance(timeline, list) or not timeline:
                    r.failure("an application without a status timeline")
                    break
                if status not in UNDECIDED:
                    break
            time.sleep(POLL_SECONDS)  # gevent-patched; not counted in any response time

    @task
    def done(self) -> None:
        self.finish()


class FollowMyApplications(SignedInJourney):
    """My applications (and my enterprise's), newest first; the newest one's timeline."""

    requires = (("GET", "/v1/applications"), ("GET", "/v1/applications/{application_id}"))
    min_level = 2  # applications:submit

    @task
    def list_and_open(self) -> None:
        with self.client.get(
            "/v1/applications", headers=self.headers(), name="/v1/applications (list)", catch_response=True
        ) as r:
            items = json_field(r, "items")
            if self.refused_for_level(r) or r.status_code != 200:
                return
            if not isinstance(items, list):
                r.failure("the applications list without items")
                return
        if items:
            with self.client.get(
                f"/v1/applications/{items[0]['id']}", headers=self.headers(), name="/v1/applications/{id}",
                catch_response=True,
            ) as r:  # fmt: skip
                if r.status_code == 200 and not json_field(r, "timeline"):
                    r.failure("an application without a status timeline")

    @task
    def done(self) -> None:
        self.finish()
