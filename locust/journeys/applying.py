"""Applying (办件) and following: on when the server's document lists ``POST /v1/applications``.

A verified citizen (or an enterprise's agent, for the enterprise) opens an online item's form, uploads the
photos its upload fields ask for, submits with an ``Idempotency-Key`` (and now and then submits the same again,
as an app does after a lost answer: the stored answer must come back, same id), then follows the application
by polling its status timeline, as the app's status page does, until it has moved past the submission (or a
bounded number of polls).

``ApplyOnline`` takes an ordinary item, which a department moves on (the simulators, or the department system
of ``casework.py``), and always sends at least one photo. ``ApplyForInstantApproval`` takes an
instant-approval (秒批) item, which the gateway's rules decide while the citizen watches; an approval's
timeline names the signed result's public verification link, which is then opened as anyone scanning the
result's QR code would, without a token: it must say the result is valid, for this item.

Forms are filled as the app's user would: prefilled values kept, the demo person's name, ID number and mobile
where the field asks for them, the first option of a choice, the agreement ticked, a small PNG per upload.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import struct
import time
import uuid
import zlib
from typing import Any

import gevent
from locust import task

from journeys.common import json_body, json_field
from journeys.conditions import holds
from journeys.department import DEPARTMENT as CASEWORK_DEPARTMENT
from journeys.signin import ENTERPRISE_CREDIT_CODE, SignedInJourney

__all__ = ["ApplyForInstantApproval", "ApplyOnline", "FollowMyApplications", "png"]

# The seeded demo people with a real name (13800000001 has none: the app sends it to verification first).
PEOPLE = {"13800000002": ("张伟", "440303198503120017"), "13800000003": ("李娜", "440305199207060029")}
ENTERPRISE_NAME = "深圳市示例科技有限公司"
UNDECIDED = frozenset({"submitted", "delivered", "accepted", "in_review"})
# Decided by the rules: approved or rejected, or handed to a clerk (in_review).
INSTANT_OUTCOMES = frozenset({"approved", "rejected", "in_review"})
POLLS, POLL_SECONDS = 6, 2.0
# How long the app keeps the live stream open waiting for the department's first word before it polls instead.
STREAM_SECONDS = 12.0
VERIFICATION_LINK = re.compile(r"/v1/results/([0-9a-f-]{36})/verification")


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
        self.codes: dict[tuple[str, bool, str | None, str | None], list[str]] = {}

    def pick(
        self,
        client: Any,
        audience: str,
        instant: bool,
        department: str | None = None,
        district: str | None = None,
    ) -> str | None:
        key = (audience, instant, department, district)
        if key not in self.codes:
            params: dict[str, Any] = {"channel": "online", "audience": audience, "visits": 0, "limit": 50}
            if instant:
                params["instant_approval"] = "true"
            if department:
                params["department"] = department
            if district:
                params["district"] = district
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
    """An ordinary item, with at least one upload, followed until a department moves it on."""

    instant = False
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
        self.status: str | None = None
        self.timeline: list[dict[str, Any]] = []
        self.stream: Any = None

    min_level = 2  # applications:submit

    @task
    def choose(self) -> None:
        audience = "legal_person" if self.user.party else "natural_person"
        # Half go to the department whose case system is simulated by casework.py, which moves them on; in a
        # smoke run a user's first one always does, so that system has a case to move in a brief run.
        options = self.user.environment.parsed_options
        first = bool(getattr(options, "every_journey", False)) and not getattr(
            self.user, "has_applied", False
        )
        self.user.has_applied = True
        department = CASEWORK_DEPARTMENT if first or random.random() < 0.5 else None  # noqa: S311
        if self.instant:
            department = None  # the rules decide these, wherever they belong
        # Most district services are for the district one is registered in (the rules check it): a citizen
        # mostly applies to their own district's items (the ID number's first six digits).
        person = PEOPLE.get(self.user.mobile)
        district = person[1][:6] if person and not self.user.party and random.random() < 0.7 else None  # noqa: S311
        self.code = _items.pick(self.client, audience, self.instant, department, district)
        if self.code is None:
            self.finish()

    @task
    def form(self) -> None:
        with self.client.get(
            f"/v1/app/items/{self.code}/form",
            headers=self.headers(),
            name="/v1/app/items/{code}/form (signed in)",
            catch_response=True,
        ) as r:
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
            "applicant_name": name,
            "applicant_id_number": id_number,
            "contact_name": name,
            "contact_mobile": self.user.mobile,
            "enterprise_name": ENTERPRISE_NAME,
            "enterprise_credit_code": ENTERPRISE_CREDIT_CODE,
            "credit_code": ENTERPRISE_CREDIT_CODE,
        }
        # Fields are answered before any upload, so a form this journey cannot fill costs no uploads.
        for field in self.fields:
            required = field.get("required") or holds(field.get("required_when"), self.data)
            if required and field.get("type") != "upload":
                answer = field.get("value") or known.get(field["id"]) or self._answer(field, name, id_number)
                if answer is None:
                    # An e-licence from the wallet, a pattern only the citizen knows: the app would send them
                    # to the wallet or let them type; this journey ends before submitting a form it guessed.
                    self.finish()
                self.data[field["id"]] = answer
        uploads = [field for field in self.fields if field.get("type") == "upload"]
        # The required ones, and an optional one when none is required: an ordinary application carries a photo.
        wanted = [
            field
            for field in uploads
            if field.get("required") or holds(field.get("required_when"), self.data)
        ]
        if not wanted and not self.instant:
            wanted = uploads[:1]
        for field in wanted:
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
            "resident_id": id_number,
            "mobile": self.user.mobile,
            "agreement": True,
            "select": options[0] if options else None,
            "radio": options[0] if options else None,
            "checkbox": options[: max(1, field.get("min_selected") or 1)],
            "date_input": dt.date.today().isoformat(),
            "number_input": field.get("minimum") or 1,
            "address": {"district": "440303", "detail": "深南东路 1 号"},
        }.get(kind, name)

    def _upload(self, material: str) -> str | None:
        with self.client.post(
            "/v1/materials",
            params={"name": f"{material[:40]}.png"},
            data=_PHOTO,
            headers={**self.headers(), "Content-Type": "application/octet-stream"},
            name="/v1/materials",
            catch_response=True,
        ) as r:
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
        if not self.instant:
            # The status page listens before submitting, so the department's first word cannot slip past it.
            self.stream = self._open_stream()
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
            self._hang_up()
            self.finish()  # any other answer is already counted as a failure, with its problem in the report
        self.application = str(answer["id"])
        if random.random() < 0.2:  # noqa: S311 - the app retries after a lost answer, with the same key
            with self.client.post(
                "/v1/applications",
                json=body,
                headers=headers,
                name="/v1/applications (same key again)",
                catch_response=True,
            ) as r:
                if r.status_code == 202 and json_field(r, "id") != self.application:
                    r.failure("the same Idempotency-Key and body gave another application")

    def _open_stream(self) -> Any:
        """The live stream of my messages (SSE), or None when the account's allowance of streams is taken."""
        with self.client.get(
            "/v1/me/events",
            headers={**self.headers(), "Accept": "text/event-stream"},
            name="/v1/me/events",
            stream=True,
            catch_response=True,
        ) as r:
            if self.refused_for_level(r):
                return None  # the stream is about applications, which need L2: the 403 names the level
            if r.status_code == 429:
                # Simulated users share three demo accounts, each allowed a few live streams per gateway
                # process: a phone that is refused one polls instead, as the app does.
                r.success()
                return None
            if r.status_code == 200 and not r.headers.get("content-type", "").startswith("text/event-stream"):
                r.failure("the live stream is not text/event-stream")
            return r if r.status_code == 200 else None

    def _watch_stream(self) -> None:
        """Read the stream until a message about this application says it moved on, or the app gives up."""
        buffer = ""
        with gevent.Timeout(STREAM_SECONDS, False):  # False: the timeout ends the block quietly
            for chunk in self.stream.iter_content(chunk_size=1024):
                buffer += chunk if isinstance(chunk, str) else chunk.decode("utf-8", "replace")
                while "\n\n" in buffer:
                    block, buffer = buffer.split("\n\n", 1)
                    data = "\n".join(
                        line[5:].strip() for line in block.splitlines() if line.startswith("data:")
                    )
                    try:
                        message = json.loads(data) if data else None
                    except ValueError:
                        message = None
                    if (
                        isinstance(message, dict)
                        and message.get("application_id") == self.application
                        and message.get("status") not in (None, "submitted", "delivered")
                    ):
                        self._hang_up()
                        return
        self._hang_up()

    def _hang_up(self) -> None:
        # A stream never ends by itself: its connection is closed, not handed back to the pool half read.
        response = getattr(self.stream, "_response", None)
        self.stream = None
        sock = getattr(response, "_sock", None)
        if sock is not None:
            sock.close()

    @task
    def follow(self) -> None:
        if self.stream is not None:
            self._watch_stream()  # then one look at the timeline, which must show what the stream said
        for poll in range(POLLS):
            if poll:
                time.sleep(POLL_SECONDS)  # gevent-patched; not counted in any response time
            with self.client.get(
                f"/v1/applications/{self.application}",
                headers=self.headers(),
                name="/v1/applications/{id}",
                catch_response=True,
            ) as r:
                status, timeline = json_field(r, "status"), json_field(r, "timeline")
                if r.status_code != 200:
                    break
                if not isinstance(timeline, list) or not timeline:
                    r.failure("an application without a status timeline")
                    break
                self.status, self.timeline = status, timeline
                if self.moved_on():
                    break

    def moved_on(self) -> bool:
        """An ordinary application has moved on once a department has said anything about it."""
        return any(entry.get("actor") == "department" for entry in self.timeline)

    @task
    def verify(self) -> None:
        # Locust calls the function it collected from this class, so the step delegates to an overridable hook.
        self.check_result()

    def check_result(self) -> None:
        """Nothing to verify for an ordinary item: its result comes from the department, later."""

    @task
    def done(self) -> None:
        self.finish()


class ApplyForInstantApproval(ApplyOnline):
    """An instant-approval (秒批) item, followed to the rules' decision; an approval's result is verified."""

    instant = True

    def moved_on(self) -> bool:
        return any(
            entry.get("actor") == "gateway" and entry.get("status") in INSTANT_OUTCOMES
            for entry in self.timeline
        )

    def check_result(self) -> None:
        if self.status != "approved" or not self.moved_on():
            return  # rejected, handed to a clerk, or not yet decided: no result to verify
        links = [m.group(1) for e in self.timeline if (m := VERIFICATION_LINK.search(str(e.get("message"))))]
        if not links:
            # No request to mark: the missing link is reported as a failed check of its own.
            self.user.environment.events.request.fire(
                request_type="CHECK",
                name="an instant approval names its verification link",
                response_time=0,
                response_length=0,
                exception=AssertionError("the approval's timeline has no verification link"),
                context=self.user.context(),
            )
            return
        with self.client.get(
            f"/v1/results/{links[-1]}/verification", name="/v1/results/{id}/verification", catch_response=True
        ) as r:
            if r.status_code == 200 and json_field(r, "status") != "valid":
                r.failure(f"a fresh result verifies as {json_field(r, 'status')}, not valid")
            elif r.status_code == 200 and json_field(r, "item_code") != self.code:
                r.failure("the result verifies for another item")


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
                f"/v1/applications/{items[0]['id']}",
                headers=self.headers(),
                name="/v1/applications/{id}",
                catch_response=True,
            ) as r:
                if r.status_code == 200 and not json_field(r, "timeline"):
                    r.failure("an application without a status timeline")

    @task
    def done(self) -> None:
        self.finish()
