"""Citizens' accounts and their assurance levels: registration, real name (L2), face check (L3), the account
a token names, and the profile other domains may prefill from."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from ishenzhen.db.types import Connection
from ishenzhen.errors import Conflict, PermissionDenied, Unauthenticated
from ishenzhen.identity.accounts import throttle
from ishenzhen.identity.accounts._sql import queries
from ishenzhen.identity.accounts.models import Account, Party
from ishenzhen.identity.accounts.register import FaceCheck, PopulationRegister
from ishenzhen.identity.accounts.service._shared import audit
from ishenzhen.identity.accounts.service._shared import field_error as _field
from ishenzhen.identity.accounts.service._shared import parse_account_id as _account_id
from ishenzhen.identity.accounts.service.enterprises import party_of
from ishenzhen.identity.hashing import hash_password
from ishenzhen.lib.validators import is_valid_mobile, is_valid_resident_id, normalize_identifier

__all__ = [
    "FACE_CHECK_LIMITS",
    "REAL_NAME_LIMITS",
    "CallerProfile",
    "SubjectGone",
    "account_by_mobile",
    "account_of",
    "caller_profile",
    "count_demo_accounts",
    "lock_demo_seed",
    "mask_resident_id",
    "normalize_mobile",
    "profile_by_id",
    "register_citizen",
    "set_password_hash",
    "set_real_name",
    "verify_caller_face",
    "verify_caller_real_name",
    "verify_face",
    "verify_real_name",
]


class SubjectGone(Unauthenticated):
    """A token verified, but the account it names no longer exists: the token is as good as invalid."""

    def __init__(self) -> None:
        super().__init__("the token's subject no longer exists")


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
    connection: Connection,
    face_check: FaceCheck,
    account_id: uuid.UUID,
    liveness_token: str,
    *,
    address: str | None = None,
) -> int:
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
    connection: Connection,
    limiter: throttle.Throttle,
    sub: str,
    limits: tuple[throttle.Limit, throttle.Limit],
    address: str,
) -> Account:
    account = await account_of(connection, sub)
    await limiter.hit(limits[0], str(account.id))
    await limiter.hit(limits[1], address)
    return account


async def verify_caller_real_name(
    connection: Connection,
    register: PopulationRegister,
    sub: str,
    name: str,
    resident_id: str,
    *,
    address: str,
    limiter: throttle.Throttle,
) -> int:
    """The signed-in citizen ``sub`` raises their own account to L2 (rate-limited per account and address:
    ``throttle.Throttled``); ``Conflict`` when it is already verified."""
    account = await _verification_account(connection, limiter, sub, REAL_NAME_LIMITS, address)
    if account.assurance_level >= 2:
        raise Conflict(f"the real name is already verified (L{account.assurance_level})")
    return await verify_real_name(connection, register, account.id, name, resident_id, address=address)


async def verify_caller_face(
    connection: Connection,
    face_check: FaceCheck,
    sub: str,
    liveness_token: str,
    *,
    address: str,
    limiter: throttle.Throttle,
) -> int:
    """The signed-in citizen ``sub`` raises their own L2 account to L3 (rate-limited like the real name)."""
    account = await _verification_account(connection, limiter, sub, FACE_CHECK_LIMITS, address)
    if account.assurance_level >= 3:
        raise Conflict("the face check is already done (L3)")
    return await verify_face(connection, face_check, account.id, liveness_token, address=address)


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
        name=account.name,
        resident_id=account.resident_id,
        mobile=account.mobile if with_phone else None,
        enterprise=enterprise,
    )


async def count_demo_accounts(connection: Connection) -> int:
    """Demo citizens and enterprises in the database (production refuses to start with any)."""
    count: int = await queries.count_demo_accounts(connection)
    return count


async def lock_demo_seed(connection: Connection) -> None:
    """Within a transaction: wait for any other instance seeding the demo data at the same start."""
    await queries.lock_demo_seed(connection)
