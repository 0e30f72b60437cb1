"""What the authorization endpoint keeps: browser sessions, authorization codes and consents."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from ishenzhen.db.types import Connection
from ishenzhen.identity.accounts import service as accounts
from ishenzhen.identity.hashing import hash_token
from ishenzhen.identity.oauth._sql import queries
from ishenzhen.identity.oauth.models import Client, Subject
from ishenzhen.identity.oauth.service.provider import CODE_SECONDS

__all__ = [
    "SESSION_SECONDS",
    "close_session",
    "consent_covers",
    "find_session",
    "open_session",
    "record_consent",
    "store_code",
]

SESSION_SECONDS = 8 * 3600


async def find_session(connection: Connection, session_id: str) -> tuple[Subject, str] | None:
    """The signed-in subject of a browser session (and the account's mobile), if it is still open."""
    row = await queries.session_by_hash(connection, id_hash=hash_token(session_id))
    if row is None:
        return None
    return Subject(row["account_id"], row["acr"], list(row["amr"]), row["auth_time"]), row["mobile"]


async def open_session(connection: Connection, subject: Subject) -> str:
    """Open a browser session for ``subject`` (signed in at ``subject.auth_time``); returns its id."""
    session_id = secrets.token_urlsafe(32)
    await queries.insert_session(
        connection,
        id_hash=hash_token(session_id),
        account_id=subject.account_id,
        acr=subject.acr,
        amr=subject.amr,
        auth_time=subject.auth_time,
        expires_at=subject.auth_time + dt.timedelta(seconds=SESSION_SECONDS),
    )
    return session_id


async def close_session(
    connection: Connection, session_id: str | None, *, client_id: str | None, address: str
) -> None:
    """RP-initiated logout: end the browser session (if the cookie names one) and audit it."""
    if session_id and len(session_id) <= 128:
        await queries.delete_session(connection, id_hash=hash_token(session_id))
        await accounts.audit(connection, "logout", address=address, client_id=client_id)


async def store_code(
    connection: Connection,
    code: str,
    client: Client,
    subject: Subject,
    data: Mapping[str, Any],
    scope: str,
) -> None:
    """Keep an issued authorization code (by its hash) with what the token request will be checked against."""
    await queries.insert_code(
        connection,
        code_hash=hash_token(code),
        client_id=client.client_id,
        account_id=subject.account_id,
        redirect_uri=data["redirect_uri"],
        scope=scope,
        code_challenge=data.get("code_challenge"),
        code_challenge_method=data.get("code_challenge_method"),
        nonce=data.get("nonce"),
        acr=subject.acr,
        amr=subject.amr,
        auth_time=subject.auth_time,
        party=subject.party,
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=CODE_SECONDS),
    )


async def consent_covers(
    connection: Connection, account_id: uuid.UUID, client_id: str, scopes: list[str]
) -> bool:
    covered: bool = await queries.consent_covers(
        connection, account_id=account_id, client_id=client_id, scopes=scopes
    )
    return covered


async def record_consent(
    connection: Connection,
    subject: Subject,
    client_id: str,
    scopes: list[str],
    *,
    allowed: bool,
    address: str,
) -> None:
    """The citizen's answer on the consent page: kept when allowed, audited either way."""
    if allowed:
        await queries.insert_consent(
            connection, account_id=subject.account_id, client_id=client_id, scopes=scopes
        )
    event = "consent.granted" if allowed else "consent.refused"
    await accounts.audit(
        connection,
        event,
        account_id=subject.account_id,
        client_id=client_id,
        address=address,
        scope=" ".join(scopes),
    )
