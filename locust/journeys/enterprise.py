"""An enterprise's people acting for it: the demo enterprise's agent (经办人, 13800000002) and its legal
representative (13800000003) sign in with the ``enterprise`` scope and choose the enterprise on the
acting-party page, so their tokens act for it. The representative looks after the agents (a new agent is
invited and accepts under ``/v1/me/agent-invitations``, which both look at); both read their
profile (which must say whom they act for) and, when the server offers applying, apply and follow for it.
"""

from __future__ import annotations

import itertools
from typing import ClassVar

from locust import between, task

from journeys.applying import ApplyForInstantApproval, ApplyOnline, FollowMyApplications
from journeys.citizen import ReadMyProfile
from journeys.common import json_body
from journeys.signin import ENTERPRISE_CREDIT_CODE, SignedInJourney, SignedInUser

__all__ = ["EnterpriseUser"]

AGENT = ("13800000002", 2)
LEGAL_REPRESENTATIVE = ("13800000003", 3)
_next = itertools.count()


class ManageAgents(SignedInJourney):
    """The legal representative checks who may act for the enterprise (the list must hold the demo agent).
    An agent may act for the enterprise but not see or change who else may: for them the list is a 404,
    exactly like an enterprise they have nothing to do with."""

    @task
    def agents(self) -> None:
        representative = self.user.mobile == LEGAL_REPRESENTATIVE[0]
        with self.client.get(
            f"/v1/enterprises/{ENTERPRISE_CREDIT_CODE}/agents",
            headers=self.headers(),
            name="/v1/enterprises/{credit_code}/agents",
            catch_response=True,
        ) as r:
            agents = json_body(r)
            if representative and r.status_code == 200 and not (isinstance(agents, list) and agents):
                r.failure("the demo enterprise's agent list is empty")
            elif not representative and r.status_code == 404:
                r.success()  # what an agent must get
            elif not representative:
                r.failure(f"an agent asking for the agent list got {r.status_code}, not 404")

    @task
    def invitations(self) -> None:
        """Pending invitations to act for an enterprise: what a citizen answers before any grant exists."""
        with self.client.get(
            "/v1/me/agent-invitations",
            headers=self.headers(),
            name="/v1/me/agent-invitations",
            catch_response=True,
        ) as r:
            if r.status_code == 200 and not isinstance(json_body(r), list):
                r.failure("the pending invitations are not a list")

    @task
    def done(self) -> None:
        self.finish()


class ActForTheEnterprise(ReadMyProfile):
    """The profile as the enterprise's person sees it: ``acting_for`` must be the enterprise."""


class EnterpriseUser(SignedInUser):
    """One of the demo enterprise's people, signed in for the enterprise (rare next to citizens)."""

    weight = 1
    wait_time = between(2.0, 6.0)
    scope: ClassVar[str] = "openid profile offline_access enterprise applications:submit"
    party = ENTERPRISE_CREDIT_CODE
    tasks = {  # type: ignore[assignment]
        ActForTheEnterprise: 3,
        ManageAgents: 1,
        ApplyOnline: 1,
        ApplyForInstantApproval: 1,
        FollowMyApplications: 2,
    }

    def choose_account(self) -> tuple[str, int]:
        return (AGENT, LEGAL_REPRESENTATIVE)[next(_next) % 2]
