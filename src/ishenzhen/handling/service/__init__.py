"""Applying and following: submissions, reads, withdrawals, supplements and department events.

Every change runs in one transaction that first locks the application row, checks the move against the state
machine (``states``), writes the new status, one timeline row, the inbox messages and, when the department
must hear of it, an outbox record; so nothing is ever half-written.

``submission`` (the Idempotency-Key, validation, the one transaction with its outbox record) checks the item
and the party with ``eligibility`` and attaches ``uploads``; ``reading`` is the applicant's list and detail;
``applicant_actions`` withdraw and supplement; ``department_events`` applies the department's status events in
sequence; ``outbox_operations`` is the operator's dead letters and queue depth. Every move of an application
goes through ``transitions.move``. Callers import this package, not its modules.
"""

from __future__ import annotations

from ishenzhen.handling._sql import queries
from ishenzhen.handling.service.applicant_actions import supplement, withdraw
from ishenzhen.handling.service.department_events import apply_department_event
from ishenzhen.handling.service.eligibility import ONLINE_CHANNELS, ONLINE_DEPTHS, required_level
from ishenzhen.handling.service.outbox_operations import dead_letters, outbox_depth, requeue
from ishenzhen.handling.service.reading import application_detail, applications_page
from ishenzhen.handling.service.submission import IdempotencyInFlight, Submission, fingerprint, submit
from ishenzhen.handling.service.transitions import ApplicationConflict, move
from ishenzhen.handling.service.uploads import read_material, store_material

__all__ = [
    "ONLINE_CHANNELS",
    "ONLINE_DEPTHS",
    "ApplicationConflict",
    "IdempotencyInFlight",
    "Submission",
    "application_detail",
    "applications_page",
    "apply_department_event",
    "dead_letters",
    "fingerprint",
    "move",
    "outbox_depth",
    "queries",
    "read_material",
    "requeue",
    "required_level",
    "store_material",
    "submit",
    "supplement",
    "withdraw",
]
