"""What handling hands the department client and what it gets back (the contract between the two)."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = [
    "DeliveryOutcome",
    "DeliveryResult",
    "DepartmentError",
    "DepartmentProblem",
    "ErrorSource",
    "OutboundRequest",
    "QueryResult",
]

DeliveryOutcome = Literal["delivered", "retry", "dead", "no_system"]
# X-Road's model: did our gateway, the link to the department, or the department's system fail?
ErrorSource = Literal["gateway", "link", "department"]


class OutboundRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One request to a department system: ``path`` is relative to its base URL (``/applications``)."""

    department: str
    method: str
    path: str
    body: bytes
    application_number: str
    acting_user: str
    acting_party: str
    traceparent: str | None = None
    # Which attempt this is, when the caller counts them (1 = first); 0 lets the client tell retries apart
    # itself (a request whose last outcome here was "retry"). Retries draw on the retry budget.
    attempt: int = 0


class DeliveryResult(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of one attempt. ``retry_after`` (seconds) is the least the caller should wait."""

    outcome: DeliveryOutcome
    status: int | None
    body: bytes | None
    retry_after: float | None
    error_source: ErrorSource | None
    detail: str
    # False when the gateway itself held the request back (circuit open, retry budget spent): the department
    # never saw it, so it must not use up one of the record's attempts.
    sent: bool = True


class QueryResult(msgspec.Struct, frozen=True, kw_only=True):
    """A pass-through query's answer: the department's status and JSON body, or where it failed."""

    status: int
    body: bytes
    cache_control: str | None
    error_source: ErrorSource | None
    detail: str
    from_cache: bool = False


class DepartmentError(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The department's own error, as far as it is safe to show: its code and message, shortened."""

    error: str | None = None
    message: str | None = None


class DepartmentProblem(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details of a pass-through query, saying who failed (X-Road's error classes):
    ``gateway`` (we refused or could not ask), ``link`` (the department could not be reached in time) or
    ``department`` (its system answered with an error or with something unusable)."""

    type: str
    title: str
    status: int
    detail: str
    error_source: ErrorSource
    department: str
    instance: str | None = None
    request_id: str | None = None
    department_status: int | None = None
    department_error: DepartmentError | None = None
    retry_after: int | None = None
