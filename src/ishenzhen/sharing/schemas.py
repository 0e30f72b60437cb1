"""Bodies of the data-access log as the citizen sees it."""

from __future__ import annotations

from typing import Literal

from ishenzhen.lib.structs import Struct

__all__ = ["DataAccessEntry", "DataAccessPage"]


class DataAccessEntry(Struct, frozen=True):
    id: int
    at: str
    source: Literal["population", "legal_person", "e_licence", "credit"]
    source_name: str
    fields: list[str]
    field_names: list[str]
    purpose: str
    purpose_name: str
    outcome: Literal["ok", "not_found", "unavailable", "inconsistent", "refused"]
    outcome_name: str
    requester: str
    application_id: str | None = None
    citizen_action: str | None = None
    item_code: str | None = None


class DataAccessPage(Struct, frozen=True, omit_defaults=True):
    subject_kind: Literal["person", "enterprise"]
    entries: list[DataAccessEntry]
    # Pass as ``before`` to read older entries; absent on the last page.
    next_before: int | None = None
