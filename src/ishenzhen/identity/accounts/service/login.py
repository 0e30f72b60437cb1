"""Password and SMS-code login, rate-limited per address and locked out per (account, address) pair.

Failures that could tell whether an account exists (wrong password, unknown number, locked account) all
end in the same ``LoginFailed`` or ``Throttled``; every decision is written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import NoReturn

import asyncpg
import structlog

from ishenzhen.db.types import Connection
from ishenzhen.identity.accounts._sql import queries
from ishenzhen.identity.accounts.models import Account
from ishenzhen.identity.accounts.service._shared import audit
from ishenzhen.identity.accounts.throttle import LIMITS, Throttle, Throttled
from ishenzhen.identity.hashing import hash_token, token_matches, verify_password

__all__ = [
    "SMS_CODE_MAX_ATTEMPTS",
    "SMS_CODE_SECONDS",
    "LoginFailed",
    "authenticate_password",
    "authenticate_sms",
    "send_sms_code",
    "sms_outbox",
]

log = structlog.get_logger(__name__)

SMS_CODE_SECONDS = 300


SMS_CODE_MAX_ATTEMPTS = 5


class LoginFailed(Exception):
    """Wrong credentials; deliberately says nothing more."""


def _pair(mobile: str, address: str) -> str:
    return f"{mobile}@{address}"


async def _failed(
    connection: Connection, account: asyncpg.Record | None, address: str, method: str
) -> NoReturn:
    account_id = account["id"] if account is not None else None
    await audit(connection, "login.failed", account_id=account_id, address=address, method=method)
    raise LoginFailed


async def _password_failed(
    connection: Connection, throttle: Throttle, mobile: str, address: str, account: asyncpg.Record | None
) -> NoReturn:
    """Count a wrong password against the (number, address) pair and the number's ceiling; audit the hit
    that closes either (from then on every attempt is refused until the window ends)."""
    account_id = account["id"] if account is not None else None
    pair = _pair(mobile, address)
    for name, key, event in (
        ("login_pair_failures", pair, "login.pair_locked"),
        ("login_pair_failures_day", pair, "login.pair_locked"),
        ("login_account_failures", mobile, "login.password_suspended"),
    ):
        limit = LIMITS[name]
        try:
            reached = await throttle.hit(limit, key)
        except Throttled:
            continue  # already closed: counted, audited when it closed
        if reached == limit.hits:
            await audit(connection, event, account_id=account_id, address=address, mobile=mobile, limit=name)
    await _failed(connection, account, address, "pwd")


async def authenticate_password(
    connection: Connection, throttle: Throttle, mobile: str, password: str, address: str
) -> Account:
    """The account, or ``LoginFailed`` / ``Throttled`` (the same for unknown numbers). ``Throttled`` for
    ``login_account_failures`` means the password path of this number is closed for now: sign in by SMS."""
    await throttle.hit(LIMITS["login_address"], address)
    pair = _pair(mobile, address)
    await throttle.check(LIMITS["login_pair_failures"], pair)
    await throttle.check(LIMITS["login_pair_failures_day"], pair)
    await throttle.check(LIMITS["login_account_failures"], mobile)
    account = await queries.account_by_mobile(connection, mobile=mobile)
    # Verified even for an unknown number (against a dummy hash): the same time whether or not it exists.
    verified = await verify_password(account["password_hash"] if account is not None else None, password)
    if not verified or account is None:
        await _password_failed(connection, throttle, mobile, address, account)
    # Only this pair's count ends: another address's failures are not the owner's to forgive.
    await throttle.clear(LIMITS["login_pair_failures"], pair)
    await audit(connection, "login.succeeded", account_id=account["id"], address=address, method="pwd")
    return Account.from_row(account)


async def send_sms_code(connection: Connection, throttle: Throttle, mobile: str, address: str) -> None:
    """Send a one-time code if the number has an account; the caller cannot tell whether it did."""
    await throttle.hit(LIMITS["sms_send_address"], address)
    await throttle.hit(LIMITS["sms_send_account"], mobile)
    await throttle.hit(LIMITS["sms_send_account_hour"], mobile)
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
    connection: Connection, throttle: Throttle, mobile: str, code: str, address: str
) -> Account:
    """The account, or ``LoginFailed`` / ``Throttled``. Password lockouts do not apply: this is the way in
    for an owner whose number someone else has been guessing at. Guessing codes is bounded by the code
    itself (``SMS_CODE_MAX_ATTEMPTS`` per code, codes per number and hour) and the address's rate."""
    await throttle.hit(LIMITS["login_address"], address)
    account = await queries.account_by_mobile(connection, mobile=mobile)
    issued = await queries.latest_sms_code(connection, mobile=mobile)
    if account is None or issued is None:
        await _failed(connection, account, address, "sms")
    attempts = await queries.count_sms_attempt(connection, id=issued["id"])
    if attempts > SMS_CODE_MAX_ATTEMPTS or not token_matches(code.strip(), issued["code_hash"]):
        await _failed(connection, account, address, "sms")
    if await queries.use_sms_code(connection, id=issued["id"]) is None:
        await _failed(connection, account, address, "sms")
    # Proof of the number: the owner's own address may use the password again at once.
    await throttle.clear(LIMITS["login_pair_failures"], _pair(mobile, address))
    await audit(connection, "login.succeeded", account_id=account["id"], address=address, method="sms")
    return Account.from_row(account)


async def sms_outbox(connection: Connection, limit: int) -> list[tuple[dt.datetime, str, str]]:
    """The newest development SMS messages, newest first: (created_at, mobile, message)."""
    return [
        (row["created_at"], row["mobile"], row["message"])
        async for row in queries.sms_outbox(connection, limit=limit)
    ]
