"""Bodies of the applying and following API, and of department callbacks (msgspec Structs)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec

from ishenzhen.handling.states import DepartmentStatus, Status
from ishenzhen.lib.structs import Struct

__all__ = [
    "ActingParty",
    "ApplicationAccepted",
    "ApplicationDetail",
    "ApplicationPage",
    "ApplicationRequest",
    "ApplicationSummary",
    "DeadLetter",
    "DeadLetterPage",
    "DecisionView",
    "DepartmentEvent",
    "EventReceipt",
    "MaterialRef",
    "SupplementRequest",
    "TimelineEntry",
    "WithdrawRequest",
]

CreditCode = Annotated[str, msgspec.Meta(min_length=18, max_length=18, pattern=r"^[0-9A-Z]{18}$")]
Message = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
# An upload's id as the upload endpoint gives it and form upload fields hold it (``upl_`` + 32 hex digits).
UploadId = Annotated[str, msgspec.Meta(pattern=r"^upl_[0-9a-f]{32}$")]
MaterialIds = Annotated[list[UploadId], msgspec.Meta(max_length=30)]


class ActingParty(Struct, frozen=True, forbid_unknown_fields=True):
    """Who the application is for: the citizen themself, or the enterprise the access token acts for."""

    kind: Literal["self", "enterprise"]
    credit_code: CreditCode | None = None


class ApplicationRequest(Struct, frozen=True):
    """A filled-in form for an item. Server-owned fields (status, number, applicant) cannot be sent."""

    item_code: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    form: dict[str, Any]
    acting_party: ActingParty = msgspec.field(default_factory=lambda: ActingParty(kind="self"))
    # Uploads beyond those the form's upload fields name (those are attached anyway).
    materials: MaterialIds = []
    # The item version the form was rendered for (the form answer's ``version``): when the item has changed
    # since, the application is refused so the app can show the current form.
    item_version: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None


class ApplicationAccepted(Struct, frozen=True):
    id: uuid.UUID
    number: str
    status: Status
    submitted_at: dt.datetime


class MaterialRef(Struct, frozen=True):
    id: str
    name: str
    media_type: str
    size: int
    sha256: str


class TimelineEntry(Struct, frozen=True):
    position: int
    status: Status
    previous_status: Status | None
    actor: Literal["applicant", "gateway", "department", "operator"]
    actor_id: str
    message: str
    occurred_at: dt.datetime


class ApplicationSummary(Struct, frozen=True):
    id: uuid.UUID
    number: str
    item_code: str
    item_name: str | None
    department: str
    acting_party: ActingParty
    status: Status
    receipt_number: str | None
    submitted_at: dt.datetime
    updated_at: dt.datetime


class DecisionView(Struct, frozen=True):
    """The rules' decision (秒批) in the applicant's language: each check as a sentence, why not, and what next."""

    state: Literal["pending", "decided"]
    outcome: Literal["approved", "rejected", "manual_review"] | None = None
    decided_at: dt.datetime | None = None
    # One sentence per condition the rules checked, e.g. "年龄 62 岁，满足 60 岁以上".
    explanations: list[str] = msgspec.field(default_factory=list)
    # Why it was not approved (empty when approved).
    reasons: list[str] = msgspec.field(default_factory=list)
    # How to apply with a clerk instead (rejected and manual review).
    clerk: str | None = None
    # The signed result it issued (approved), and where anyone can verify it.
    result_id: uuid.UUID | None = None
    verification_url: str | None = None


class ApplicationDetail(Struct, frozen=True):
    id: uuid.UUID
    number: str
    item_code: str
    item_name: str | None
    item_version: int
    department: str
    acting_party: ActingParty
    status: Status
    receipt_number: str | None
    spec_version: str
    capabilities: str
    form: dict[str, Any]
    materials: list[MaterialRef]
    timeline: list[TimelineEntry]
    submitted_at: dt.datetime
    updated_at: dt.datetime
    # Only for items decided by rules; null otherwise.
    decision: DecisionView | None = None


class ApplicationPage(Struct, frozen=True):
    items: list[ApplicationSummary]
    next_cursor: str | None = None


class WithdrawRequest(Struct, frozen=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)] = "申请人撤回申请"


class SupplementRequest(Struct, frozen=True, forbid_unknown_fields=True):
    materials: Annotated[list[UploadId], msgspec.Meta(min_length=1, max_length=30)]
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class DepartmentEvent(Struct, frozen=True):
    """A department system's news about one of its applications (the callback contract)."""

    event_id: uuid.UUID
    sequence: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
    status: DepartmentStatus
    occurred_at: dt.datetime
    message: Message
    receipt_number: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None
    data: dict[str, Any] = {}


class EventReceipt(Struct, frozen=True):
    event_id: uuid.UUID
    # applied: moved the application on; waiting: held until the events before it in sequence arrive.
    outcome: Literal["applied", "waiting"]
    status: Status
    applied_sequence: int


class DeadLetter(Struct, frozen=True):
    """An outbox record parked after its last attempt: what was sent where, and why it failed."""

    id: int
    application_id: uuid.UUID
    number: str
    kind: Literal["submission", "withdrawal", "supplements"]
    department: str
    attempts: int
    last_outcome: str | None
    last_status: int | None
    last_error: str | None
    error_source: Literal["gateway", "link", "department"] | None
    created_at: dt.datetime
    dead_at: dt.datetime | None


class DeadLetterPage(Struct, frozen=True):
    items: list[DeadLetter]
    next_cursor: int | None = None
