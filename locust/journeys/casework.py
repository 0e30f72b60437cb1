"""A department's case-handling system posting status callbacks with its own client-credentials token.

The market-regulation bureau's intake is the department simulator the stack starts (it receives the gateway's
signed deliveries); for this one department the simulator is told not to move cases on (its ``callbacks``
knob), and this user does instead: it reads the cases delivered to it, and posts each one's next state change
to ``POST /v1/department/applications/{number}/events`` in sequence (accepted, in review, approved, completed),
now and then sending the same event again, as a system does after a lost answer: the gateway must recognise
it (200, the same receipt). Every other department keeps its simulator's own callbacks.

An instant-approval (秒批) item may have been decided by the gateway before the department's event: the state
machine then refuses the move (409), which is expected, and the case is left alone.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

from locust import between, task

from journeys.common import json_field
from journeys.department import DEPARTMENT, DEPARTMENT_CLIENT, ClientCredentialsUser, SystemJourney

__all__ = ["CaseworkerSystem", "intake", "take_over"]

log = logging.getLogger("ishenzhen.locust")
CHINA = dt.timezone(dt.timedelta(hours=8))
# The department's plan for an ordinary case, one step per visit; the texts are what citizens read.
PLAN = (
    ("accepted", "申请已受理"),
    ("in_review", "材料审核中"),
    ("approved", "审核通过"),
    ("completed", "办结，结果已送达"),
)
CASES_PER_VISIT = 5
SIMULATOR_PORTS = 16  # serve's simulators listen on consecutive ports from the configured first one


@dataclass
class _Case:
    receipt_number: str | None
    sequence: int = 0  # the last sequence number the gateway took
    last_event: dict[str, Any] | None = None
    closed: bool = False


@dataclass
class Intake:
    """Where the department's simulator takes deliveries (found at start) and the cases this system moves."""

    url: str | None = None
    cases: dict[str, _Case] = field(default_factory=dict)

    def delivered(self) -> dict[str, dict[str, Any]]:
        """The cases delivered to the department so far (number → the simulator's view of the case)."""
        if self.url is None:
            return {}
        try:
            with urllib.request.urlopen(self.url, timeout=5) as response:  # noqa: S310 - loopback simulator
                report = json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            log.warning("the department simulator's intake did not answer: %s", exc)
            return {}
        cases = report.get("cases", {}) if isinstance(report, dict) else {}
        return cases if isinstance(cases, dict) else {}


intake = Intake()


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - loopback simulator
        return json.load(response)


def take_over(first_port: int) -> str | None:
    """Find the simulator process serving the department and switch its own callbacks off; its intake URL.

    Called once, before any user starts, by the process that runs the test (the master with several).
    """
    for port in range(first_port, first_port + SIMULATOR_PORTS):
        base = f"http://127.0.0.1:{port}"
        try:
            health = _get(f"{base}/_health")
        except (urllib.error.URLError, OSError, ValueError):
            continue
        if DEPARTMENT not in health.get("departments", []):
            continue
        request = urllib.request.Request(  # noqa: S310 - loopback simulator
            f"{base}/_control/{DEPARTMENT}",
            data=json.dumps({"callbacks": False}).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=3):  # noqa: S310
                return f"{base}/_control/{DEPARTMENT}"
        except (urllib.error.URLError, OSError):
            return None
    return None


class PostStatusUpdates(SystemJourney):
    """Move up to a few delivered cases one step on, in sequence; now and then the same event again."""

    @task
    def move_cases(self) -> None:
        for number, seen in intake.delivered().items():
            intake.cases.setdefault(number, _Case(receipt_number=seen.get("receipt_number")))
        open_cases = [number for number, case in intake.cases.items() if not case.closed]
        for number in random.sample(open_cases, min(CASES_PER_VISIT, len(open_cases))):
            self._next_step(number, intake.cases[number])

    def _next_step(self, number: str, case: _Case) -> None:
        status, message = PLAN[case.sequence]
        event: dict[str, Any] = {
            "event_id": str(uuid.uuid4()),
            "sequence": case.sequence + 1,
            "status": status,
            "occurred_at": dt.datetime.now(CHINA).isoformat(),
            "message": message,
        }
        if case.sequence == 0 and case.receipt_number:
            event["receipt_number"] = case.receipt_number
        with self.client.post(
            f"/v1/department/applications/{number}/events",
            json=event,
            headers=self.user.bearer(),
            name="/v1/department/applications/{number}/events",
            catch_response=True,
        ) as r:
            if r.status_code == 202 and json_field(r, "status") != status:
                r.failure(f"the gateway took the event but says {json_field(r, 'status')}, not {status}")
            elif r.status_code == 409:
                r.success()  # the gateway's instant decision came first: the department leaves it
                case.closed = True
                return
            if r.status_code != 202:
                return  # counted as a failure by Locust, with the problem's detail
        case.sequence += 1
        case.last_event = event
        case.closed = case.sequence == len(PLAN)
        if random.random() < 0.1:  # noqa: S311 - the answer was "lost": the same event again
            self._again(number, event)

    def _again(self, number: str, event: dict[str, Any]) -> None:
        with self.client.post(
            f"/v1/department/applications/{number}/events",
            json=event,
            headers=self.user.bearer(),
            name="/v1/department/applications/{number}/events (same event again)",
            catch_response=True,
        ) as r:
            if r.status_code == 200 and json_field(r, "event_id") != event["event_id"]:
                r.failure("a replayed event answered with another event's receipt")
            elif r.status_code == 202:
                r.failure("the same event again was applied a second time (202), not recognised (200)")

    @task
    def done(self) -> None:
        self.finish()


class CaseworkerSystem(ClientCredentialsUser):
    """The market-regulation bureau's case-handling system (one per run: it owns the sequence numbers)."""

    fixed_count = 1
    wait_time = between(1.0, 3.0)
    credentials = DEPARTMENT_CLIENT
    scope: ClassVar[str] = "applications:update"
    tasks = {PostStatusUpdates: 1}  # type: ignore[assignment]
