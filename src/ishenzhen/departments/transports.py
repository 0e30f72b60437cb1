"""The httpx client of one department, over aiohttp's transport (``httpx-aiohttp``) or stock httpx's.

aiohttp's is the default because stock httpx's pool collapses under concurrency (encode/httpx#3215): see
docs/decisions/0001-http-client.md for the figures.
"""

from __future__ import annotations

from typing import Literal

import httpx

from ishenzhen.departments.directory import DepartmentEntry

__all__ = ["Transport", "open_http_client"]

Transport = Literal["aiohttp", "httpx"]


def open_http_client(entry: DepartmentEntry, transport_name: Transport, user_agent: str) -> httpx.AsyncClient:
    """The httpx client of one department: its pool size and timeouts, redirects never followed."""
    limits = httpx.Limits(
        max_connections=entry.max_connections, max_keepalive_connections=entry.max_connections
    )
    transport: httpx.AsyncBaseTransport
    if transport_name == "aiohttp":
        from httpx_aiohttp import AiohttpTransport

        transport = AiohttpTransport(limits=limits, trust_env=False)
    else:
        transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    client = httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(
            connect=entry.connect_timeout,
            read=entry.read_timeout,
            write=entry.read_timeout,
            pool=entry.pool_timeout,
        ),
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": user_agent},
    )
    return client
