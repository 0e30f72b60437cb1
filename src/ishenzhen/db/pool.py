"""Connections to PostgreSQL: one pool per app instance, with clear errors when the server is not there."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from ishenzhen.settings import Settings

__all__ = ["Connection", "DatabaseUnavailable", "connect", "create_pool", "database_lifespan", "describe_url"]

# What a service function runs its queries on: a connection of its own (``connect``) or one acquired from the
# pool. asyncpg types the two apart though they answer the same calls.
Connection = asyncpg.Connection | PoolConnectionProxy


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be reached or refused us; the message is one line for an operator."""


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    # Keep what follows the credentials verbatim: a malformed port must still be shown, not raise.
    location = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{location}{parts.path}"


def _explain(url: str, exc: BaseException) -> DatabaseUnavailable:
    where = describe_url(url)
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        reason = "timed out"
    elif isinstance(exc, ConnectionRefusedError):
        reason = "connection refused"
    elif isinstance(exc, socket.gaierror):
        reason = "unknown host"
    elif isinstance(exc, asyncpg.InvalidCatalogNameError):
        reason = "database does not exist"
    elif isinstance(exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError):
        reason = "authentication failed"
    elif isinstance(exc, ValueError):
        reason = f"malformed URL ({exc})"
    else:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return DatabaseUnavailable(f"cannot connect to the database at {where}: {reason}")


_CONNECT_ERRORS = (OSError, TimeoutError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError)


async def connect(url: str, timeout: float) -> asyncpg.Connection:  # noqa: ASYNC109 - forwarded to asyncpg's own connect timeout too
    try:
        async with asyncio.timeout(timeout):
            return await asyncpg.connect(url, timeout=timeout)
    except _CONNECT_ERRORS as exc:
        raise _explain(url, exc) from exc


async def create_pool(settings: Settings, url: str | None = None) -> asyncpg.Pool:
    url = url or settings.database.url
    if url is None:
        raise DatabaseUnavailable(
            "no database configured: set DATABASE_URL or start through `ishenzhen serve`"
        )
    try:
        async with asyncio.timeout(settings.database.connect_timeout):
            pool = await asyncpg.create_pool(
                url,
                min_size=settings.database.pool_min,
                max_size=settings.database.pool_max,
                timeout=settings.database.connect_timeout,
                command_timeout=30,
            )
    except _CONNECT_ERRORS as exc:
        raise _explain(url, exc) from exc
    assert pool is not None
    return pool


def database_lifespan(
    settings: Settings, shared_pool: asyncpg.Pool | None = None
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """The app's pool as ``app.state.db_pool``: ``shared_pool`` when the caller owns one (tests), else a new one."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        if shared_pool is not None:
            app.state.db_pool = shared_pool
            yield
            return
        pool = await create_pool(settings)
        app.state.db_pool = pool
        try:
            yield
        finally:
            await pool.close()

    return lifespan
