"""A signed-in citizen: signs in once through the real flow, keeps the tokens, refreshes them, and reads what
is theirs: the profile (``/v1/me``), and, when the server offers them, the inbox, the licence wallet and the
log of who read their data. Signed-in citizens browse and apply too (the weights are in ``CitizenUser``).
"""

from __future__ import annotations

from typing import Any

from locust import between, task

from journeys.applying import ApplyForInstantApproval, ApplyOnline, FollowMyApplications
from journeys.browsing import CheckAForm, FindAService, OpenTheApp
from journeys.common import json_body, json_field
from journeys.signin import CITIZENS, SignedInJourney, SignedInUser

__all__ = ["CitizenUser"]


class ReadMyProfile(SignedInJourney):
    """The "me" tab: who am I signed in as, at which assurance level, and for whom may I act."""

    @task
    def me(self) -> None:
        with self.client.get("/v1/me", headers=self.headers(), name="/v1/me", catch_response=True) as r:
            body = json_body(r)
            if r.status_code != 200:
                return
            if not isinstance(body, dict) or body.get("mobile") != self.user.mobile:
                r.failure("/v1/me is not the signed-in account")
            elif body.get("assurance_level") != f"L{self.user.level}":
                r.failure(f"/v1/me says {body.get('assurance_level')}, the account is L{self.user.level}")
            elif body.get("acting_for") != self.user.party:
                r.failure(f"/v1/me acts for {body.get('acting_for')!r}, the tokens for {self.user.party!r}")

    @task
    def done(self) -> None:
        self.finish()


class ResumeTheApp(SignedInJourney):
    """The app comes back from the background after a while: its access token has lapsed, so it refreshes
    (rotating the refresh token) and reloads the profile."""

    @task
    def lapse(self) -> None:
        if self.user.tokens is not None:
            self.user.tokens.expires_at = 0.0  # as if the phone had slept through the token's life

    @task
    def me(self) -> None:
        with self.client.get("/v1/me", headers=self.headers(), name="/v1/me", catch_response=True) as r:
            if r.status_code == 200 and json_field(r, "mobile") != self.user.mobile:
                r.failure("/v1/me after a refresh is not the signed-in account")

    @task
    def done(self) -> None:
        self.finish()


def _check_page(journey: SignedInJourney, response: Any, what: str, field: str = "items") -> bool:
    """Check a page of ``field``; False when the journey should end (the user is below the level it needs)."""
    if journey.refused_for_level(response):
        return False
    if response.status_code == 200 and not isinstance(json_field(response, field), list):
        response.failure(f"{what} without a list of items")
    return True


class ReadMyInbox(SignedInJourney):
    """The inbox: status changes of my applications, newest first (a page, then the next if there is one)."""

    requires = (("GET", "/v1/me/messages"),)
    min_level = 2  # the inbox is about applications, which need applications:submit

    @task
    def messages(self) -> None:
        with self.client.get(
            "/v1/me/messages", headers=self.headers(), name="/v1/me/messages", catch_response=True
        ) as r:
            more = _check_page(self, r, "the inbox")
            cursor = json_field(r, "next_cursor") if more else None
        if cursor:
            with self.client.get(
                "/v1/me/messages",
                params={"cursor": cursor},
                headers=self.headers(),
                name="/v1/me/messages?cursor",
                catch_response=True,
            ) as r:
                _check_page(self, r, "the inbox's next page")

    @task
    def done(self) -> None:
        self.finish()


class ReadMyLicences(SignedInJourney):
    """The e-licence wallet (电子证照)."""

    requires = (("GET", "/v1/me/licences"),)
    min_level = 2  # the wallet holds what the registers know of a real-name-verified person

    @task
    def licences(self) -> None:
        with self.client.get(
            "/v1/me/licences", headers=self.headers(), name="/v1/me/licences", catch_response=True
        ) as r:
            _check_page(self, r, "the licence wallet", field="licences")

    @task
    def done(self) -> None:
        self.finish()


class ReadMyDataAccessLog(SignedInJourney):
    """Who read my data from the data-sharing platform, and why (the hash-chained data-access log)."""

    requires = (("GET", "/v1/me/data-access"),)

    @task
    def log(self) -> None:
        with self.client.get(
            "/v1/me/data-access", headers=self.headers(), name="/v1/me/data-access", catch_response=True
        ) as r:
            _check_page(self, r, "the data-access log", field="entries")

    @task
    def done(self) -> None:
        self.finish()


class CitizenUser(SignedInUser):
    """A signed-in citizen of one of the seeded demo accounts: browses, reads what is theirs, applies."""

    weight = 6
    wait_time = between(1.0, 4.0)
    # A smoke run starts one per demo account (L2, L3, L1): a journey must expect what each level gets.
    smoke_count = len(CITIZENS)
    tasks = {  # type: ignore[assignment]
        OpenTheApp: 4,
        FindAService: 4,
        CheckAForm: 1,
        ReadMyProfile: 3,
        ResumeTheApp: 1,
        ReadMyInbox: 3,
        ReadMyLicences: 2,
        ReadMyDataAccessLog: 1,
        ApplyOnline: 2,
        ApplyForInstantApproval: 1,
        FollowMyApplications: 2,
    }
