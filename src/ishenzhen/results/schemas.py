"""What the public verification endpoint answers about an issued result."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ishenzhen.lib.structs import Struct

__all__ = ["ResultVerification"]


class ResultVerification(Struct, frozen=True):
    id: uuid.UUID
    status: Literal["valid", "revoked"]
    item_code: str
    issued_at: dt.datetime
    # The signed document itself (compact JWS): check it offline against the JWKS at /.well-known/jwks.json.
    document: str
    revoked_at: dt.datetime | None = None
    revocation_reason: str | None = None
