"""``ishenzhen identity sms-outbox | rotate-keys | clients create``: operator commands of the identity domain."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from ishenzhen.db.pool import connect
from ishenzhen.identity.accounts import service as accounts
from ishenzhen.identity.oauth.keys import create_signing_keys, key_encryption_key
from ishenzhen.identity.oauth.service import DEPARTMENT_SCOPES, ClientRefused, register_department_client
from ishenzhen.identity.seed import refuse_unsafe_production
from ishenzhen.settings import Settings

__all__ = [
    "DEPARTMENT_SCOPES",
    "ClientRefused",
    "check_production",
    "create_department_client",
    "register_department_client",
    "rotate_keys",
    "show_sms_outbox",
]


def check_production(url: str, settings: Settings) -> None:
    """The production refusals (demo data, development keys, no key, http issuer), checked by ``serve`` before
    granian starts a worker: raises ``ProductionRefused`` with one line for the operator."""
    if not settings.is_production:
        return

    async def run() -> None:
        connection = await connect(url, settings.database.connect_timeout)
        try:
            await refuse_unsafe_production(connection, settings)
        finally:
            await connection.close()

    asyncio.run(run())


def show_sms_outbox(url: str, settings: Settings, limit: int) -> int:
    """Print the newest development SMS messages (newest first), one per line."""

    async def run() -> list[str]:
        connection = await connect(url, settings.database.connect_timeout)
        try:
            messages = await accounts.sms_outbox(connection, limit)
        finally:
            await connection.close()
        return [
            f"{at.isoformat(timespec='seconds')}  {mobile}  {message}" for at, mobile, message in messages
        ]

    lines = asyncio.run(run())
    sys.stdout.write("".join(f"{line}\n" for line in lines) or "(the SMS outbox is empty)\n")
    return 0


def rotate_keys(url: str, settings: Settings, publish_seconds: float | None) -> dict[str, str]:
    """Publish a new signing key of each kind (ES256, RS256) now; they sign once every instance has reloaded
    its keys. Returns the new kid of each algorithm.

    The old keys keep verifying until the tokens it signed have expired (the access-token lifetime after the
    new key takes over, plus a minute of clock skew).
    """
    publish = dt.timedelta(
        seconds=publish_seconds if publish_seconds is not None else settings.identity.key_refresh_seconds + 30
    )
    keep_old = dt.timedelta(seconds=settings.identity.access_token_seconds + 60)

    async def run() -> dict[str, str]:
        connection = await connect(url, settings.database.connect_timeout)
        try:
            return await create_signing_keys(
                connection,
                development=not settings.is_production,
                publish_for=publish,
                old_keys_for=keep_old,
                kek=key_encryption_key(settings),
            )
        finally:
            await connection.close()

    kids = asyncio.run(run())
    for alg, kid in kids.items():
        print(
            f"new {alg} signing key {kid}: published now, signs from {publish.total_seconds():.0f}s from now",
            file=sys.stderr,
        )
    return kids


def create_department_client(
    url: str, settings: Settings, *, name: str, department: str, scopes: list[str], client_id: str | None
) -> str:
    """``ishenzhen identity clients create``: print the client id and its secret, once."""

    async def run() -> tuple[str, str]:
        connection = await connect(url, settings.database.connect_timeout)
        try:
            return await register_department_client(
                connection, name=name, department=department, scopes=scopes, client_id=client_id
            )
        finally:
            await connection.close()

    created, secret = asyncio.run(run())
    sys.stdout.write(f"client_id: {created}\nclient_secret: {secret}\n")
    print("the secret is shown this once; only its hash is stored", file=sys.stderr)
    return created
