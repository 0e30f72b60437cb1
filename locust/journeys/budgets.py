"""Every journey's latency budget, in one table: the p95 of all its requests, in milliseconds.

A run fails (exit code 1) when a journey that ran misses its budget, as it does on any unexpected failure.
The budgets are for the stack ``./dev locust`` starts on this kind of machine (a shared 2-core box, the
gateway on one core, Locust on the other) at the default load; the figures measured against them are in
docs/benchmarks.md ("Locust"). Browsing is what every citizen does, so its budgets are tight (the issue's
target is a browsing p95 under 50 ms at 70 % of the highest steady rate); signing in pays for an argon2id
password hash by design, and registry writes take a transaction and a snapshot reload per publication.
"""

from __future__ import annotations

__all__ = ["BUDGETS_MS", "UNBUDGETED_MS"]

BUDGETS_MS: dict[str, int] = {
    # anonymous browsing (browsing.py)
    "Launch": 100,  # the readiness check every app makes on start
    "CheckHealth": 100,
    "BrowseApiDocs": 300,  # the whole OpenAPI document
    "OpenTheApp": 100,
    "FindAService": 150,
    "BrowseByTheme": 150,
    "CheckAForm": 150,
    # a signed-in citizen (citizen.py)
    "SignIn": 1500,  # sign-in page, argon2id password check, code + PKCE exchange
    "ResumeTheApp": 300,  # refresh-token rotation
    "ReadMyProfile": 150,
    "ReadMyInbox": 200,
    "ReadMyLicences": 200,
    "ReadMyDataAccessLog": 200,
    # applying and following (applying.py)
    "ApplyOnline": 1000,  # form, uploads, submission, following it by polling
    "ApplyForInstantApproval": 1000,  # the same, the rules' decision (platform pulls), the result's verification
    "FollowMyApplications": 300,
    # an enterprise's people (enterprise.py)
    "ManageAgents": 200,
    "ActForTheEnterprise": 300,
    # department systems (department.py)
    "DepartmentToken": 300,
    "ReadTheRegistry": 300,
    "ChangeAnItem": 1000,
    "ReviewTheQueue": 1000,
    "PostStatusUpdates": 300,  # the department's status callbacks: one transaction each, an inbox message
}
# A journey missing from the table (a new one, not yet budgeted) is held to this, so it cannot pass unseen.
UNBUDGETED_MS = 100
