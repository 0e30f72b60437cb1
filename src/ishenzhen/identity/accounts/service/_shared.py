"""What the account services share: the audit trail, field errors, and reading a token's subject."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import structlog

from ishenzhen.db.types import Connection
from ishenzhen.errors import FieldError, InvalidInput
from ishenzhen.identity.accounts._sql import queries

__all__ = ["audit", "field_error", "parse_account_id"]

log = structlog.get_logger(__name__)


def field_error(name: str, reason: str, location: str = "body") -> InvalidInput:
    return InvalidInput(f"{name}: {reason}", errors=[FieldError(location=location, name=name, reason=reason)])


def parse_account_id(sub: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(sub)
    except ValueError:
        return None


async def audit(
    connection: Connection,
    event: str,
    *,
    account_id: uuid.UUID | None = None,
    client_id: str | None = None,
    address: str | None = None,
    **detail: Any,
) -> None:
    await queries.audit(
        connection,
        event=event,
        account_id=account_id,
        client_id=client_id,
        address=address,
        detail=msgspec.json.encode(detail).decode(),
    )
    log.info(
        f"identity.{event}", account_id=str(account_id) if account_id else None, client_id=client_id, **detail
    )
