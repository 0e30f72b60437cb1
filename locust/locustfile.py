"""Locust suite for QA: does the service behave for many users at once, journey by journey?

Users (one class each, weights as in a real day, browsing-heavy):

- ``AnonymousUser`` (journeys/browsing.py): the app without signing in: home, search, themes, guides, forms.
- ``CitizenUser`` (journeys/citizen.py): signs in through the real code + PKCE flow, keeps and refreshes
  tokens, reads ``/v1/me``, the inbox, licences and the data-access log, applies and follows.
- ``EnterpriseUser`` (journeys/enterprise.py): the demo enterprise's agent or legal representative, acting
  for the enterprise.
- ``DepartmentSystem`` and ``ReviewingSystem`` (journeys/department.py): registry reads and item changes
  with client-credentials tokens, and the review that publishes them.
- ``CaseworkerSystem`` (journeys/casework.py): the market-regulation bureau's case system, posting its
  applications' status callbacks with its own token (its simulator's own callbacks switched off).

Journeys that need operations the server's OpenAPI document does not list are left out (the summary says
which). The run fails (exit code 1) on any unexpected failure or a journey's p95 over its budget
(journeys/budgets.py). ``./dev locust`` starts a whole stack and runs this headless; by hand:
``.venv/bin/locust -f locust/locustfile.py --headless -u 20 -r 5 -t 30s --host http://127.0.0.1:8000``
"""

from __future__ import annotations

import ipaddress
import logging
import os
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from locust import between, events
from locust.env import Environment

from journeys import casework, report, signin
from journeys.browsing import AnonymousUser
from journeys.casework import CaseworkerSystem
from journeys.citizen import CitizenUser
from journeys.department import DepartmentSystem, ReviewingSystem
from journeys.enterprise import EnterpriseUser

__all__ = [
    "AnonymousUser",
    "CaseworkerSystem",
    "CitizenUser",
    "DepartmentSystem",
    "EnterpriseUser",
    "ReviewingSystem",
]

log = logging.getLogger("ishenzhen.locust")
report.install(events)


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument(
        "--summary-file", default="", help="write the journeys' verdict and figures as JSON here"
    )
    parser.add_argument(
        "--sign-ins-per-minute",
        type=int,
        default=24,
        help="sign-ins this process may make per minute (the provider allows 30 per address) [24]",
    )
    parser.add_argument(
        "--simulators-port",
        type=int,
        default=int(os.environ.get("ISHENZHEN_DEPARTMENTS_SIMULATOR_PORT", 8101)),
        help="the first port of the department simulators `serve` started [$ISHENZHEN_DEPARTMENTS_SIMULATOR_PORT"
        " or 8101]; 0: no case system (CaseworkerSystem left out)",
    )
    parser.add_argument(
        "--think-scale",
        type=float,
        default=1.0,
        help="multiply every person's think time by this (0.1: a tenth of the pauses, so a few hundred simulated"
        " users load the service like a few thousand; department systems keep their pace; the capacity search"
        " uses it) [1]",
    )
    parser.add_argument(
        "--every-journey",
        action="store_true",
        help="a smoke run: one user of each class, each walking every journey once before picking by weight",
    )


def _scale_think_times(user_classes: list[Any], scale: float) -> None:
    # Every class's own wait time is read before any is replaced: a subclass that inherits its parent's would
    # otherwise be scaled twice.
    originals = [
        (user_class, user_class.wait_time)
        for user_class in user_classes
        if getattr(user_class, "paced_by_people", True)
    ]
    for user_class, wait_time in originals:
        user_class.wait_time = _scaled(wait_time, scale)


def _scaled(wait_time: Any, scale: float) -> Any:
    def scaled_wait(user: Any) -> float:
        return float(wait_time(user)) * scale

    return scaled_wait


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
    host = environment.host or AnonymousUser.host
    # Many simulated users aimed at a shared or production host by mistake are a denial of service,
    # so only loopback is accepted; refused before any user starts, with a non-zero exit.
    if not _is_loopback(host):
        log.error("refusing to load %s: only loopback hosts (127.0.0.1, ::1, localhost)", host)
        raise SystemExit(2)
    options = environment.parsed_options
    if options is not None:
        # Every process that runs users needs the intake; switching the simulator's callbacks off is idempotent.
        port = options.simulators_port
        casework.intake.url = casework.take_over(port) if port else None
        if casework.intake.url is None:
            log.warning(
                "no department simulator serving %s from port %s: CaseworkerSystem left out",
                casework.DEPARTMENT,
                port,
            )
            environment.user_classes[:] = [c for c in environment.user_classes if c is not CaseworkerSystem]
            environment.user_classes_by_name.pop(CaseworkerSystem.__name__, None)
    if options is not None and options.every_journey:
        for user_class in environment.user_classes:
            # One of each kind; citizens one per demo account, so every assurance level walks every journey.
            user_class.fixed_count = getattr(user_class, "smoke_count", 1)
            # Coverage, not pacing: short think times so every journey fits in a brief run.
            user_class.wait_time = between(0.1, 0.5)
    if options is not None and options.think_scale != 1.0 and not options.every_journey:
        _scale_think_times(environment.user_classes, options.think_scale)
    if options is not None:
        signin.pace.per_minute = max(1, options.sign_ins_per_minute)
        # The provider also allows 10 a minute per account; the sign-ins are spread over the three demo accounts.
        signin.pace.per_account = max(1, options.sign_ins_per_minute // 3)
    # A service that is not ready would only produce a wall of identical failures. Headless only: with the
    # web UI the host may still change before the run starts.
    if options is not None and options.headless and not _is_ready(host):
        log.error("%s/health/ready does not answer 200: start the service first (./dev serve)", host)
        raise SystemExit(2)
