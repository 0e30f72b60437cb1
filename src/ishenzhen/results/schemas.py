"""What the public verification endpoint answers about an issued result."""

from __future__ import annotations

import datetime as dt
import typing
import uuid
from typing import Annotated, Literal

import msgspec

from ishenzhen.lib.structs import Struct

__all__ = [
    "REVOCATION_CATEGORIES",
    "HeldResult",
    "HeldResults",
    "ResultRevocation",
    "ResultVerification",
    "RevocationCategory",
]


# Public: shown by the verification endpoint. The free text of a revocation stays between department and holder.
RevocationCategory = Literal["issued_in_error", "superseded", "fraud", "conditions_no_longer_met"]
REVOCATION_CATEGORIES: tuple[str, ...] = typing.get_args(RevocationCategory)


class ResultRevocation(Struct, frozen=True, forbid_unknown_fields=True):
    """A department system's revocation of a result it issued."""

    category: RevocationCategory
    # Shown to the holder (Chinese); 1 to 500 characters.
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class ResultVerification(Struct, frozen=True):
    id: uuid.UUID
    status: Literal["valid", "revoked"]
    item_code: str
    issued_at: dt.datetime
    # The signed document itself (compact JWS): check it offline against the JWKS at /.well-known/jwks.json.
    document: str
    revoked_at: dt.datetime | None = None
    revocation_reason: str | None = None
    revocation_category: RevocationCategory | None = None


class HeldResult(Struct, frozen=True):
    """One result issued to the caller, as their wallet shows it."""

    id: uuid.UUID
    application_id: uuid.UUID
    item_code: str
    status: Literal["valid", "revoked"]
    issued_at: dt.datetime
    verification_url: str
    revoked_at: dt.datetime | None = None
    revocation_category: RevocationCategory | None = None


class HeldResults(Struct, frozen=True):
    results: list[HeldResult]
    revocation_category: RevocationCategory | None = None
