"""Bodies of the registry API. An item's content is the catalogue's ``ServiceItem`` (with its render spec)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

from ishenzhen.catalog.model import ServiceItem, VersionNumber
from ishenzhen.lib.structs import Struct

__all__ = [
    "ApproveRequest",
    "CancelScheduleRequest",
    "DiffView",
    "FieldChange",
    "HistoryEntry",
    "HistoryPage",
    "ItemPage",
    "ItemState",
    "ItemView",
    "QueueEntry",
    "QueuePage",
    "RejectRequest",
    "RollbackRequest",
    "ScheduledWithdrawal",
    "SubmitRequest",
    "VersionStatus",
    "VersionSummary",
    "VersionView",
    "WithdrawRequest",
]

# draft: still editable; discarded: a draft given up (kept so version numbers are never reused);
# submitted: waiting for review; rejected: refused with a reason; scheduled: approved, published at
# effective_at; published: what the catalogue shows; superseded: replaced by a later publication;
# withdrawn: taken off the catalogue (下线); cancelled: a schedule called off before it took effect.
VersionStatus = Literal[
    "draft",
    "discarded",
    "submitted",
    "rejected",
    "scheduled",
    "published",
    "superseded",
    "withdrawn",
    "cancelled",
]
# unpublished: never in the catalogue; published: listed now; withdrawn: taken off.
ItemState = Literal["unpublished", "published", "withdrawn"]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class VersionSummary(Struct, frozen=True):
    version: int
    status: VersionStatus
    based_on: int | None
    content_hash: str
    effective_at: dt.datetime | None
    created_at: dt.datetime
    created_by: str
    submitted_at: dt.datetime | None
    submitted_by: str | None
    decided_at: dt.datetime | None
    decided_by: str | None
    reason: str | None
    published_at: dt.datetime | None


class VersionView(VersionSummary, frozen=True):
    """One version with its whole content. ``content_hash``: SHA-256 of the canonical JSON of ``document``."""

    code: str
    department: str
    updated_at: dt.datetime
    document: ServiceItem


class ScheduledWithdrawal(Struct, frozen=True):
    at: dt.datetime
    reason: str
    requested_by: str | None


class ItemView(Struct, frozen=True):
    code: str
    department: str
    name: str
    state: ItemState
    published_version: int | None
    latest_version: int
    pending: VersionSummary | None
    scheduled_withdrawal: ScheduledWithdrawal | None


class ItemPage(Struct, frozen=True):
    items: list[ItemView]
    next_cursor: str | None


class QueueEntry(Struct, frozen=True):
    code: str
    department: str
    name: str
    published_version: int | None
    version: VersionSummary


class QueuePage(Struct, frozen=True):
    entries: list[QueueEntry]


class FieldChange(Struct, frozen=True, omit_defaults=True):
    """One changed value: RFC 6901 pointer, value before and after (absent when the key did not exist)."""

    pointer: str
    op: Literal["add", "remove", "replace"]
    before: Any = msgspec.UNSET
    after: Any = msgspec.UNSET


class DiffView(Struct, frozen=True):
    code: str
    from_version: int
    to_version: int
    changes: list[FieldChange]


class HistoryEntry(Struct, frozen=True):
    at: dt.datetime
    action: str
    version: int | None
    actor: str
    client_id: str | None
    department: str | None
    reason: str | None
    changes: list[FieldChange]


class HistoryPage(Struct, frozen=True):
    code: str
    entries: list[HistoryEntry]


class SubmitRequest(Struct, frozen=True):
    """``effective_at``: publish at this time once approved (scheduling); absent means on approval."""

    effective_at: Annotated[dt.datetime, msgspec.Meta(tz=True)] | None = None
    note: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class ApproveRequest(Struct, frozen=True):
    note: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class RejectRequest(Struct, frozen=True):
    reason: Reason


class WithdrawRequest(Struct, frozen=True):
    """下线: take the item off the catalogue now, or at ``effective_at`` when that is in the future."""

    reason: Reason
    effective_at: Annotated[dt.datetime, msgspec.Meta(tz=True)] | None = None


class RollbackRequest(Struct, frozen=True):
    """Publish again the content of ``to_version`` (one that was published before) as a new version."""

    to_version: VersionNumber
    reason: Reason


class CancelScheduleRequest(Struct, frozen=True):
    reason: Reason
