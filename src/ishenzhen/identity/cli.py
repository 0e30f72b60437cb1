"""``ishenzhen identity sms-outbox | rotate-keys | clients create``: operator commands of the identity domain."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import secrets
import sys
from pathlib import Path

import asyncpg

from ishenzhen.db.pool import connect
from ishenzhen.db.sql import load_queries
from ishenzhen.identity.hashing import hash_token
from ishenzhen.identity.keys import create_signing_key, key_encryption_key
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

# What a department system's client-credentials token may carry; citizens' scopes never.
DEPARTMENT_SCOPES = frozenset({"registry:write", "registry:review", "applications:update"})
_CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class ClientRefused(ValueError):
    """The client cannot be registered as asked; the message says why."""


queries = load_queries(Path(__file__).with_name("queries.sql"))


def check_production(url: str, settings: Settings) -> None:
    """The production refusals (demo data, development keys, no key, http issuer), checked by ``serve`` before
    granian starts a worker: raises ``ProductionRefused`` with one line for the operator."""
    if not settings.is_production:
        return

    async def run() -> None:
        connection = await connect(url, settings.db_connect_timeout)
        try:
            await refuse_unsafe_production(connection, settings)
        finally:
            await connection.close()

    asyncio.run(run())


def show_sms_outbox(url: str, settings: Settings, limit: int) -> int:
    """Print the newest development SMS messages (newest first), one per line."""

    async def run() -> list[str]:
        connection = await connect(url, settings.db_connect_timeout)
        try:
            rows = [row async for row in queries.sms_outbox(connection, limit=limit)]
        finally:
            await connection.close()
        return [
            f"{row['created_at'].isoformat(timespec='seconds')}  {row['mobile']}  {row['message']}"
            for row in rows
        ]

    lines = asyncio.run(run())
    sys.stdout.write("".join(f"{line}\n" for line in lines) or "(the SMS outbox is empty)\n")
    return 0


def rotate_keys(url: str, settings: Settings, publish_seconds: float | None) -> str:
    """Publish a new signing key now; it signs once every instance has reloaded its keys.

    The old key keeps verifying until the tokens it signed have expired (the access-token lifetime after the
    new key takes over, plus a minute of clock skew).
    """
    publish = dt.timedelta(
        seconds=publish_seconds if publish_seconds is not None else settings.identity_key_refresh_seconds + 30
    )
    keep_old = dt.timedelta(seconds=settings.identity_access_token_seconds + 60)

    async def run() -> str:
        connection = await connect(url, settings.db_connect_timeout)
        try:
            return await create_signing_key(
                connection, development=not settings.is_production, publish_for=publish, old_keys_for=keep_old,
                kek=key_encryption_key(settings),
            )  # fmt: skip
        finally:
            await connection.close()

    kid = asyncio.run(run())
    print(
        f"new signing key {kid}: published now, signs from {publish.total_seconds():.0f}s from now",
        file=sys.stderr,
    )
    return kid


async def register_department_client(
    connection: asyncpg.Connection,
    *,
    name: str,
    department: str,
    scopes: list[str],
    client_id: str | None = None,
) -> tuple[str, str]:
    """Register a department system's confidential client (client credentials, ``client_secret_basic``) and
    return ``(client_id, secret)``. Only the secret's hash is stored: this is the one time it is seen."""
    client_id = client_id or f"dept-{department}"
    unknown = sorted(set(scopes) - DEPARTMENT_SCOPES)
    if not scopes or unknown:
        raise ClientRefused(
            f"scopes must be some of {', '.join(sorted(DEPARTMENT_SCOPES))}; got {' '.join(unknown) or 'none'}"
        )
    if not _CLIENT_ID.fullmatch(client_id):
        raise ClientRefused(
            f"client id {client_id!r}: 3-64 of a-z 0-9 . _ -, starting with a letter or digit"
        )
    if not name.strip():
        raise ClientRefused("give the client a name (shown in audit logs)")
    if not await queries.department_known(connection, slug=department):
        raise ClientRefused(f"no department {department!r} in the catalogue (import it first)")
    secret = secrets.token_urlsafe(32)
    async with connection.transaction():
        if [row async for row in queries.clients_by_id(connection, client_ids=[client_id])]:
            raise ClientRefused(f"client {client_id!r} already exists; choose another with --client-id")
        await queries.insert_client(
            connection, client_id=client_id, name=name.strip(), kind="confidential", department=department,
            secret_hash=hash_token(secret), jwks=None, auth_method="client_secret_basic", redirect_uris=[],
            post_logout_redirect_uris=[], grant_types=["client_credentials"], scopes=sorted(set(scopes)),
            first_party=True, demo=False,
        )  # fmt: skip
    return client_id, secret


def create_department_client(
    url: str, settings: Settings, *, name: str, department: str, scopes: list[str], client_id: str | None
) -> str:
    """``ishenzhen identity clients create``: print the client id and its secret, once."""

    async def run() -> tuple[str, str]:
        connection = await connect(url, settings.db_connect_timeout)
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
