"""Bodies of the data-access log and of the e-licence wallet as the citizen sees them."""

from __future__ import annotations

from typing import Literal

from ishenzhen.lib.structs import Struct

__all__ = ["DataAccessEntry", "DataAccessPage", "Licence", "LicenceStatus", "LicenceWallet"]

LicenceStatus = Literal["valid", "expired", "revoked"]


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


class Licence(Struct, frozen=True, omit_defaults=True):
    """One e-licence as the register holds it; ``status`` is as of today (a valid licence past its expiry date
    is ``expired`` whatever the register's flag says)."""

    type: str
    type_name: str
    # Opaque (elc_…): what a form's e-licence picker takes instead of an upload of the material.
    reference: str
    number: str
    holder_name: str
    issuer: str
    issued_on: str
    status: LicenceStatus
    status_name: str
    grade: str
    # Absent for licences that never expire.
    expires_on: str | None = None
    # Degree certificates and overseas degree certifications: college, bachelor, master or doctor.
    level: str | None = None


class LicenceWallet(Struct, frozen=True):
    holder_kind: Literal["person", "enterprise"]
    # Valid first, then expired, then revoked; newest issued first within each.
    licences: list[Licence]
    # The access-log entry that records this look-up (it appears in ``/v1/me/data-access``).
    access_log_id: int
