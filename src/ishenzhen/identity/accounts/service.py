"""Citizens, enterprises and agents: registration, real-name levels, login checks, agent grants, the audit
trail. Every function takes a connection (the caller owns the transaction) and raises domain errors.

Failures that could tell whether an account exists (wrong password, unknown number, locked account) all
end in the same ``LoginFailed`` or ``Throttled``; every decision is written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, NoReturn

import asyncpg
import msgspec
import structlog

from ishenzhen.db.types import Connection
from ishenzhen.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied, Unauthenticated
from ishenzhen.identity.accounts import throttle
from ishenzhen.identity.accounts._sql import queries
from ishenzhen.identity.accounts.models import Account, Party
from ishenzhen.identity.accounts.register import FaceCheck, PopulationRegister
from ishenzhen.identity.hashing import hash_password, hash_token, token_matches, verify_password
from ishenzhen.identity.scopes import AGENT_SCOPES
from ishenzhen.lib.validators import (
    is_valid_credit_code,
    is_valid_mobile,
    is_valid_resident_id,
    normalize_identifier,
)

__all__ = [
    "FACE_CHECK_LIMITS",
    "MAX_AGENT_GRANT",
    "REAL_NAME_LIMITS",
    "AgentGrant",
    "CallerProfile",
    "LoginFailed",
    "SubjectGone",
    "account_by_mobile",
    "account_of",
    "add_enterprise",
    "agents_of",
    "audit",
    "authenticate_password",
    "authenticate_sms",
    "caller_profile",
    "count_demo_accounts",
    "grant_agent",
    "grant_enterprise_role",
    "lock_demo_seed",
    "mask_resident_id",
    "normalize_mobile",
    "parties_of",
    "party_of",
    "profile_by_id",
    "register_citizen",
    "represented_enterprise",
    "revoke_agent",
    "send_sms_code",
    "set_password_hash",
    "set_real_name",
    "sms_outbox",
    "verify_caller_face",
    "verify_caller_real_name",
    "verify_face",
    "verify_real_name",
]

log = structlog.get_logger(__name__)
SMS_CODE_SECONDS = 300
SMS_CODE_MAX_ATTEMPTS = 5
ROLES = frozenset({"legal_representative", "agent"})


MAX_AGENT_GRANT = dt.timedelta(days=3 * 366)


class LoginFailed(Exception):
    """Wrong credentials; deliberately says nothing more."""


class SubjectGone(Unauthenticated):
    """A token verified, but the account it names no longer exists: the token is as good as invalid."""

    def __init__(self) -> None:
        super().__init__("the token's subject no longer exists")


@dataclass(frozen=True, slots=True)
class AgentGrant:
    """An agent's authorisation for an enterprise, as the legal representative sees it."""

    credit_code: str
    agent_id: uuid.UUID
    name: str | None
    scopes: tuple[str, ...]
    expires_at: dt.datetime


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
        connection, event=event, account_id=account_id, client_id=client_id, address=address,
        detail=msgspec.json.encode(detail).decode(),
    )  # fmt: skip
    log.info(
        f"identity.{event}", account_id=str(account_id) if account_id else None, client_id=client_id, **detail
    )


def _field(name: str, reason: str, location: str = "body") -> InvalidInput:
    return InvalidInput(f"{name}: {reason}", errors=[FieldError(location=location, name=name, reason=reason)])


def _account_id(sub: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(sub)
    except ValueError:
        return None


async def account_of(connection: Connection, sub: str) -> Account:
    """The account a verified token names (its ``sub``); ``SubjectGone`` (401) when there is none."""
    account_id = _account_id(sub)
    row = await queries.account_by_id(connection, id=account_id) if account_id is not None else None
    if row is None:
        raise SubjectGone
    return Account.from_row(row)


async def profile_by_id(connection: Connection, account_id: uuid.UUID) -> Account | None:
    row = await queries.account_by_id(connection, id=account_id)
    return None if row is None else Account.from_row(row)


async def account_by_mobile(connection: Connection, mobile: str) -> Account | None:
    row = await queries.account_by_mobile(connection, mobile=mobile)
    return None if row is None else Account.from_row(row)


def normalize_mobile(mobile: str) -> str:
    mobile = mobile.strip()
    if not is_valid_mobile(mobile):
        raise _field("mobile", "a mainland mobile number: 11 digits starting 13 to 19")
    return mobile


async def register_citizen(
    connection: Connection, mobile: str, password: str | None, *, demo: bool = False
) -> uuid.UUID:
    mobile = normalize_mobile(mobile)
    account_id = uuid.uuid4()
    password_hash = await hash_password(password) if password else None
    await queries.insert_account(
        connection, id=account_id, mobile=mobile, password_hash=password_hash, demo=demo
    )
    # The id of the row now holding the number (a concurrent registration of it may have won the insert).
    row = await queries.account_by_mobile(connection, mobile=mobile)
    registered: uuid.UUID = row["id"]
    return registered


async def set_password_hash(connection: Connection, account_id: uuid.UUID, password_hash: str) -> None:
    await queries.set_password_hash(connection, id=account_id, password_hash=password_hash)


async def set_real_name(connection: Connection, account_id: uuid.UUID, name: str, resident_id: str) -> None:
    """Record a real name without asking the register: for seeding demo accounts only."""
    await queries.set_real_name(connection, id=account_id, name=name, resident_id=resident_id)


async def verify_real_name(
    connection: Connection,
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
    connection: Connection, face_check: FaceCheck, account_id: uuid.UUID, liveness_token: str,
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


REAL_NAME_LIMITS = (
    throttle.Limit("real_name_account", 5, 3600),
    throttle.Limit("real_name_address", 20, 3600),
)
FACE_CHECK_LIMITS = (
    throttle.Limit("face_check_account", 5, 3600),
    throttle.Limit("face_check_address", 20, 3600),
)


async def _verification_account(
    connection: Connection, sub: str, limits: tuple[throttle.Limit, throttle.Limit], address: str
) -> Account:
    account = await account_of(connection, sub)
    await throttle.hit(connection, limits[0], str(account.id))
    await throttle.hit(connection, limits[1], address)
    return account


async def verify_caller_real_name(
    connection: Connection, register: PopulationRegister, sub: str, name: str, resident_id: str,
    *, address: str,
) -> int:  # fmt: skip
    """The signed-in citizen ``sub`` raises their own account to L2 (rate-limited per account and address:
    ``throttle.Throttled``); ``Conflict`` when it is already verified."""
    account = await _verification_account(connection, sub, REAL_NAME_LIMITS, address)
    if account.assurance_level >= 2:
        raise Conflict(f"the real name is already verified (L{account.assurance_level})")
    return await verify_real_name(connection, register, account.id, name, resident_id, address=address)


async def verify_caller_face(
    connection: Connection, face_check: FaceCheck, sub: str, liveness_token: str, *, address: str
) -> int:
    """The signed-in citizen ``sub`` raises their own L2 account to L3 (rate-limited like the real name)."""
    account = await _verification_account(connection, sub, FACE_CHECK_LIMITS, address)
    if account.assurance_level >= 3:
        raise Conflict("the face check is already done (L3)")
    return await verify_face(connection, face_check, account.id, liveness_token, address=address)


async def add_enterprise(connection: Connection, credit_code: str, name: str, *, demo: bool = False) -> str:
    credit_code = normalize_identifier(credit_code)
    if not is_valid_credit_code(credit_code):
        raise _field("credit_code", "not a valid unified social credit code (GB 32100)")
    await queries.insert_enterprise(connection, credit_code=credit_code, name=name, demo=demo)
    return credit_code


async def grant_enterprise_role(
    connection: Connection,
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


async def parties_of(connection: Connection, account_id: uuid.UUID) -> list[Party]:
    rows = [row async for row in queries.parties_of(connection, account_id=account_id)]
    return [
        Party(r["credit_code"].strip(), r["name"], r["role"], tuple(r["scopes"]), r["expires_at"])
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class CallerProfile:
    """What other domains may know of a signed-in caller to prefill a form, as far as the token allows."""

    name: str | None  # None until the real name is verified
    resident_id: str | None
    mobile: str | None  # only for a token with the ``phone`` scope
    enterprise: Party | None  # the enterprise the token acts for, while the citizen may still act for it


async def caller_profile(
    connection: Connection, sub: str, *, with_phone: bool, party: str | None
) -> CallerProfile:
    """The profile of a verified token's subject (``SubjectGone`` when the account is gone): ``with_phone``
    when the token has the ``phone`` scope, ``party`` the credit code the token acts for (if any)."""
    account = await account_of(connection, sub)
    enterprise = await party_of(connection, account.id, party) if party is not None else None
    return CallerProfile(
        name=account.name, resident_id=account.resident_id,
        mobile=account.mobile if with_phone else None, enterprise=enterprise,
    )  # fmt: skip


async def party_of(connection: Connection, account_id: uuid.UUID, credit_code: str) -> Party | None:
    """The enterprise ``credit_code`` if the account may (still) act for it."""
    return next((p for p in await parties_of(connection, account_id) if p.credit_code == credit_code), None)


async def represented_enterprise(connection: Connection, sub: str, credit_code: str) -> str:
    """The normalised credit code of an enterprise whose legal representative is ``sub`` (checked in the
    database, not from the token); ``NotFound`` for any other, exactly like one that does not exist."""
    code = normalize_identifier(credit_code)
    if not is_valid_credit_code(code):
        raise _field("credit_code", "not a valid unified social credit code (GB 32100)", "path")
    caller = _account_id(sub)
    if caller is None:
        raise NotFound("no such enterprise")
    role = await queries.enterprise_role(connection, credit_code=code, account_id=caller)
    if role is None or role["role"] != "legal_representative":
        raise NotFound("no such enterprise")
    return code


async def grant_agent(
    connection: Connection, sub: str, credit_code: str, mobile: str, scopes: Collection[str],
    expires_at: dt.datetime, *, address: str,
) -> AgentGrant:  # fmt: skip
    """The legal representative ``sub`` lets the L2+ citizen with ``mobile`` act for the enterprise with
    ``scopes`` (some of ``AGENT_SCOPES``) until ``expires_at`` (future, at most ``MAX_AGENT_GRANT`` ahead)."""
    unknown = sorted(set(scopes) - AGENT_SCOPES)
    if unknown:
        raise _field("scopes", f"not scopes an agent can hold: {' '.join(unknown)}")
    now = dt.datetime.now(dt.UTC)
    if expires_at.tzinfo is None or not now < expires_at <= now + MAX_AGENT_GRANT:
        raise _field("expires_at", "a future time with a UTC offset, at most three years ahead")
    code = await represented_enterprise(connection, sub, credit_code)
    agent = await queries.account_by_mobile(connection, mobile=mobile.strip())
    if agent is None or agent["assurance_level"] < 2:
        raise _field("mobile", "no citizen with a verified real name (L2 or higher) has this number")
    existing = await queries.enterprise_role(connection, credit_code=code, account_id=agent["id"])
    if existing is not None and existing["role"] == "legal_representative":
        raise Conflict("that citizen is the enterprise's legal representative")
    granted = sorted(set(scopes))
    await grant_enterprise_role(connection, code, agent["id"], "agent", scopes=granted, expires_at=expires_at)
    await audit(connection, "enterprise.agent_granted", account_id=uuid.UUID(sub), address=address, credit_code=code,
                agent=str(agent["id"]), scopes=granted, expires_at=expires_at.isoformat())  # fmt: skip
    return AgentGrant(code, agent["id"], agent["name"], tuple(granted), expires_at)


async def agents_of(connection: Connection, sub: str, credit_code: str) -> list[AgentGrant]:
    """The agents of an enterprise ``sub`` represents whose authorisation has not expired, newest first."""
    code = await represented_enterprise(connection, sub, credit_code)
    return [
        AgentGrant(code, row["account_id"], row["name"], tuple(row["scopes"]), row["expires_at"])
        async for row in queries.agents_of(connection, credit_code=code)
    ]


async def revoke_agent(
    connection: Connection, sub: str, credit_code: str, agent_sub: str, *, address: str
) -> None:
    """The legal representative ``sub`` takes an agent's authorisation back; ``NotFound`` if there is none."""
    code = await represented_enterprise(connection, sub, credit_code)
    agent_id = _account_id(agent_sub)
    if (
        agent_id is None
        or await queries.revoke_agent(connection, credit_code=code, account_id=agent_id) is None
    ):
        raise NotFound("no such agent")
    await audit(connection, "enterprise.agent_revoked", account_id=uuid.UUID(sub), address=address, credit_code=code,
                agent=agent_sub)  # fmt: skip


async def _before_attempt(connection: Connection, mobile: str, address: str) -> None:
    await throttle.hit(connection, throttle.LIMITS["login_address"], address)
    await throttle.hit(connection, throttle.LIMITS["login_account"], mobile)
    await throttle.check(connection, throttle.LIMITS["login_failures"], mobile)


async def _failed(
    connection: Connection, mobile: str, address: str, account: asyncpg.Record | None, method: str
) -> NoReturn:
    account_id = account["id"] if account is not None else None
    await audit(connection, "login.failed", account_id=account_id, address=address, method=method)
    limit = throttle.LIMITS["login_failures"]
    if await throttle.hit(connection, limit, mobile) == limit.hits:
        # From now on every attempt is refused until the window ends: the account is locked.
        await audit(connection, "account.locked", account_id=account_id, address=address, mobile=mobile)
    raise LoginFailed


async def authenticate_password(connection: Connection, mobile: str, password: str, address: str) -> Account:
    """The account, or ``LoginFailed`` / ``throttle.Throttled`` (the same for unknown numbers)."""
    await _before_attempt(connection, mobile, address)
    account = await queries.account_by_mobile(connection, mobile=mobile)
    # Verified even for an unknown number (against a dummy hash): the same time whether or not it exists.
    verified = await verify_password(account["password_hash"] if account is not None else None, password)
    if not verified or account is None:
        await _failed(connection, mobile, address, account, "pwd")
    await throttle.clear(connection, throttle.LIMITS["login_failures"], mobile)
    await audit(connection, "login.succeeded", account_id=account["id"], address=address, method="pwd")
    return Account.from_row(account)


async def send_sms_code(connection: Connection, mobile: str, address: str) -> None:
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
    log.info("identity.sms_outbox", mobile=mobile, message=message)
    await audit(connection, "sms.sent", account_id=account["id"], address=address)


async def authenticate_sms(connection: Connection, mobile: str, code: str, address: str) -> Account:
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
    return Account.from_row(account)


async def sms_outbox(connection: Connection, limit: int) -> list[tuple[dt.datetime, str, str]]:
    """The newest development SMS messages, newest first: (created_at, mobile, message)."""
    return [
        (row["created_at"], row["mobile"], row["message"])
        async for row in queries.sms_outbox(connection, limit=limit)
    ]


async def count_demo_accounts(connection: Connection) -> int:
    """Demo citizens and enterprises in the database (production refuses to start with any)."""
    count: int = await queries.count_demo_accounts(connection)
    return count


async def lock_demo_seed(connection: Connection) -> None:
    """Within a transaction: wait for any other instance seeding the demo data at the same start."""
    await queries.lock_demo_seed(connection)
