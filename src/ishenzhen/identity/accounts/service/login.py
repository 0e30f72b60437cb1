"""Password and SMS-code login, rate-limited and locked out per account and address.

Failures that could tell whether an account exists (wrong password, unknown number, locked account) all
end in the same ``LoginFailed`` or ``throttle.Throttled``; every decision is written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import NoReturn

import asyncpg
import structlog

from ishenzhen.db.types import Connection
from ishenzhen.identity.accounts import throttle
from ishenzhen.identity.accounts._sql import queries
from ishenzhen.identity.accounts.models import Account
from ishenzhen.identity.accounts.service._shared import audit
from ishenzhen.identity.hashing import hash_token, token_matches, verify_password

__all__ = [
    "SMS_CODE_MAX_ATTEMPTS", "SMS_CODE_SECONDS", "LoginFailed", "authenticate_password", "authenticate_sms",
    "send_sms_code", "sms_outbox",
]  # fmt: skip

log = structlog.get_logger(__name__)

SMS_CODE_SECONDS = 300


SMS_CODE_MAX_ATTEMPTS = 5


class LoginFailed(Exception):
    """Wrong credentials; deliberately says nothing more."""


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
    # The message holds the code: only the outbox sees it, never a log line (of any environment).
    log.info("identity.sms_queued", mobile=mobile)
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
