"""What the accounts service hands out: plain, typed records read from the identity tables."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Account", "Party"]


@dataclass(frozen=True, slots=True)
class Account:
    """A citizen's account: the login (mobile), the real name once verified, and the assurance level."""

    id: uuid.UUID
    mobile: str
    name: str | None
    resident_id: str | None
    assurance_level: int
    created_at: dt.datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Account:
        return cls(
            id=row["id"],
            mobile=row["mobile"],
            name=row["name"],
            resident_id=row["resident_id"],
            assurance_level=row["assurance_level"],
            created_at=row["created_at"],
        )


@dataclass(frozen=True, slots=True)
class Party:
    """An enterprise a citizen may act for."""

    credit_code: str
    name: str
    role: str
    scopes: tuple[str, ...]
    expires_at: dt.datetime | None
