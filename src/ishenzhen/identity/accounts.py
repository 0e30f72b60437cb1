"""Citizens, enterprises and agents: registration, real-name levels, login checks. Takes a connection.

Failures that could tell whether an account exists (wrong password, unknown number, locked account) all
end in the same ``LoginFailed`` or ``Throttled``; every decision is written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import structlog

from ishenzhen.db.sql import load_queries
from ishenzhen.errors import FieldError, InvalidInput, PermissionDenied
from ishenzhen.identity import throttle
from ishenzhen.identity.hashing import hash_password, hash_token, token_matches, verify_password
from ishenzhen.identity.models import Party
from ishenzhen.identity.register import FaceCheck, PopulationRegister
from ishenzhen.lib.validators import (
    is_valid_credit_code,
    is_valid_mobile,
    is_valid_resident_id,
    normalize_identifier,
)

__all__ = [
    "LoginFailed",
    "add_enterprise",
    "audit",
    "authenticate_password",
    "authenticate_sms",
    "grant_enterprise_role",
    "mask_resident_id",
    "parties_of",
    "register_citizen",
    "send_sms_code",
    "verify_face",
    "verify_real_name",
]

log = structlog.get_logger(__name__)
queries = load_queries(Path(__file__).with_name("queries.sql"))
SMS_CODE_SECONDS = 300
SMS_CODE_MAX_ATTEMPTS = 5
ROLES = frozenset({"legal_representative", "agent"})


class LoginFailed(Exception):
    """Wrong credentials; deliberately says nothing more."""


async def audit(
    connection: asyncpg.Connection,
    event: str,
    *,
    account_id: uuid.UUID | None = None,
    client_id: str | None = None,
    address: str | None = None,
    **detail: Any,
) -> None:
    await queries.audit(
        connection, event=event, account_id=account_id, client_id=client_id, address=address,
        detail=msgspec.json.encode(detail).decode(),
    )  # fmt: skip
    log.info(
        f"identity.{event}", account_id=str(account_id) if account_id else None, client_id=client_id, **detail
    )


def _field(name: str, reason: str) -> InvalidInput:
    return InvalidInput(f"{name}: {reason}", errors=[FieldError(location="body", name=name, reason=reason)])


def normalize_mobile(mobile: str) -> str:
    mobile = mobile.strip()
    if not is_valid_mobile(mobile):
        raise _field("mobile", "a mainland mobile number: 11 digits starting 13 to 19")
    return mobile


async def register_citizen(
    connection: asyncpg.Connection, mobile: str, password: str | None, *, demo: bool = False
) -> uuid.UUID:
    mobile = normalize_mobile(mobile)
    account_id = uuid.uuid4()
    password_hash = await hash_password(password) if password else None
    await queries.insert_account(
        connection, id=account_id, mobile=mobile, password_hash=password_hash, demo=demo
    )
    row = await queries.account_by_mobile(connection, mobile=mobile)
    return row["id"]  # type: ignore[no-any-return]


async def verify_real_name(
    connection: asyncpg.Connection,
    register: PopulationRegister,
    account_id: uuid.UUID,
    name: str,
    resident_id: str,
    *,
    address: str | None = None,
) -> int:
    """L2: the resident ID number is well formed and the register holds it under this name."""
    resident_id = normalize_identifier(resident_id)
    if not is_valid_resident_id(resident_id):
        raise _field(
            "resident_id", "not a valid resident ID number (GB 11643 check character, date or region)"
        )
    masked = mask_resident_id(resident_id)
    person = await register.lookup(resident_id)
    if person is None or person.name != name.strip():
        # The same answer whether the number is unknown or the name differs: nothing about the register leaks.
        await audit(
            connection, "real_name.mismatch", account_id=account_id, address=address, resident_id=masked
        )
        raise _field("name", "the name and ID number do not match the population register")
    try:
        await queries.set_real_name(connection, id=account_id, name=person.name, resident_id=resident_id)
    except asyncpg.UniqueViolationError:
        await audit(connection, "real_name.taken", account_id=account_id, address=address, resident_id=masked)
        raise _field("resident_id", "this ID number is verified on another account") from None
    await audit(connection, "real_name.verified", account_id=account_id, address=address, resident_id=masked)
    return 2


def mask_resident_id(resident_id: str) -> str:
    """What logs and the audit trail may hold of an ID number: the region prefix and the last two characters."""
    return resident_id[:4] + "*" * max(0, len(resident_id) - 6) + resident_id[-2:]


async def verify_face(
    connection: asyncpg.Connection, face_check: FaceCheck, account_id: uuid.UUID, liveness_token: str,
    *, address: str | None = None,
) -> int:  # fmt: skip
    """L3: the face check confirms the person of an L2 account."""
    account = await queries.account_by_id(connection, id=account_id)
    if account is None or account["assurance_level"] < 2:
        raise PermissionDenied("a face check needs a verified real name (L2) first")
    if not await face_check.matches(account["resident_id"], liveness_token):
        await audit(connection, "face_check.failed", account_id=account_id, address=address)
        raise _field("liveness_token", "the face check did not match")
    await queries.set_face_checked(connection, id=account_id)
    await audit(connection, "face_check.passed", account_id=account_id, address=address)
    return 3


async def add_enterprise(
    connection: asyncpg.Connection, credit_code: str, name: str, *, demo: bool = False
) -> str:
    credit_code = normalize_identifier(credit_code)
    if not is_valid_credit_code(credit_code):
        raise _field("credit_code", "not a valid unified social credit code (GB 32100)")
    await queries.insert_enterprise(connection, credit_code=credit_code, name=name, demo=demo)
    return credit_code


async def grant_enterprise_role(
    connection: asyncpg.Connection,
    credit_code: str,
    account_id: uuid.UUID,
    role: str,
    *,
    scopes: list[str] | None = None,
    expires_at: dt.datetime | None = None,
) -> None:
    """Make an L2+ citizen the legal representative or an agent (with scopes and an expiry) of an enterprise."""
    if role not in ROLES:
        raise _field("role", "legal_representative or agent")
    if role == "agent" and expires_at is None:
        raise _field("expires_at", "an agent's authorisation needs an expiry")
    account = await queries.account_by_id(connection, id=account_id)
    if account is None or account["assurance_level"] < 2:
        raise PermissionDenied(
            "only a citizen with a verified real name (L2 or higher) can act for an enterprise"
        )
    await queries.upsert_enterprise_role(
        connection, credit_code=credit_code, account_id=account_id, role=role, scopes=scopes or [],
        expires_at=expires_at,
    )  # fmt: skip
    await audit(
        connection, "enterprise.role_granted", account_id=account_id, credit_code=credit_code, role=role
    )


async def parties_of(connection: asyncpg.Connection, account_id: uuid.UUID) -> list[Party]:
    rows = [row async for row in queries.parties_of(connection, account_id=account_id)]
    return [
        Party(r["credit_code"].strip(), r["name"], r["role"], tuple(r["scopes"]), r["expires_at"])
        for r in rows
    ]


async def _before_attempt(connection: asyncpg.Connection, mobile: str, address: str) -> None:
    await throttle.hit(connection, throttle.LIMITS["login_address"], address)
    await throttle.hit(connection, throttle.LIMITS["login_account"], mobile)
    await throttle.check(connection, throttle.LIMITS["login_failures"], mobile)


async def _failed(
    connection: asyncpg.Connection, mobile: str, address: str, account: Any, method: str
) -> None:
    account_id = account["id"] if account is not None else None
    await audit(connection, "login.failed", account_id=account_id, address=address, method=method)
    limit = throttle.LIMITS["login_failures"]
    if await throttle.hit(connection, limit, mobile) == limit.hits:
        # From now on every attempt is refused until the window ends: the account is locked.
        await audit(connection, "account.locked", account_id=account_id, address=address, mobile=mobile)
    raise LoginFailed


async def authenticate_password(
    connection: asyncpg.Connection, mobile: str, password: str, address: str
) -> asyncpg.Record:
    """The account, or ``LoginFailed`` / ``throttle.Throttled`` (the same for unknown numbers)."""
    await _before_attempt(connection, mobile, address)
    account = await queries.account_by_mobile(connection, mobile=mobile)
    if not await verify_password(account["password_hash"] if account else None, password):
        await _failed(connection, mobile, address, account, "pwd")
    await throttle.clear(connection, throttle.LIMITS["login_failures"], mobile)
    await audit(connection, "login.succeeded", account_id=account["id"], address=address, method="pwd")
    return account


async def send_sms_code(connection: asyncpg.Connection, mobile: str, address: str) -> None:
    """Send a one-time code if the number has an account; the caller cannot tell whether it did."""
    await throttle.hit(connection, throttle.LIMITS["sms_send_address"], address)
    await throttle.hit(connection, throttle.LIMITS["sms_send_account"], mobile)
    await throttle.hit(connection, throttle.LIMITS["sms_send_account_hour"], mobile)
    account = await queries.account_by_mobile(connection, mobile=mobile)
    if account is None:
        await audit(connection, "sms.not_sent", address=address)
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=SMS_CODE_SECONDS)
    await queries.insert_sms_code(
        connection, mobile=mobile, code_hash=hash_token(code), expires_at=expires_at
    )
    message = f"【i深圳】验证码 {code}，5分钟内有效。Your i Shenzhen code is {code}."
    # Development outbox: a real deployment hands the message to the SMS gateway here.
    await queries.insert_sms_outbox(connection, mobile=mobile, message=message)
    # The message holds the code: only the outbox sees it, never a log line (of any environment).
    log.info("identity.sms_queued", mobile=mobile)
    await audit(connection, "sms.sent", account_id=account["id"], address=address)


async def authenticate_sms(
    connection: asyncpg.Connection, mobile: str, code: str, address: str
) -> asyncpg.Record:
    await _before_attempt(connection, mobile, address)
    account = await queries.account_by_mobile(connection, mobile=mobile)
    issued = await queries.latest_sms_code(connection, mobile=mobile)
    if account is None or issued is None:
        await _failed(connection, mobile, address, account, "sms")
    attempts = await queries.count_sms_attempt(connection, id=issued["id"])
    if attempts > SMS_CODE_MAX_ATTEMPTS or not token_matches(code.strip(), issued["code_hash"]):
        await _failed(connection, mobile, address, account, "sms")
    if await queries.use_sms_code(connection, id=issued["id"]) is None:
        await _failed(connection, mobile, address, account, "sms")
    await throttle.clear(connection, throttle.LIMITS["login_failures"], mobile)
    await audit(connection, "login.succeeded", account_id=account["id"], address=address, method="sms")
    return account
