"""The httpx client of one department, over aiohttp's transport (``httpx-aiohttp``) or stock httpx's.

aiohttp's is the default because stock httpx's pool collapses under concurrency (encode/httpx#3215): see
docs/decisions/0001-http-client.md for the figures.
"""

from __future__ import annotations

from http.cookiejar import CookieJar
from typing import Any, Literal

import httpx

from ishenzhen.departments.directory import DepartmentEntry

__all__ = ["Transport", "open_http_client"]

Transport = Literal["aiohttp", "httpx"]


class _RefusingCookieJar(CookieJar):
    """Keeps no cookie: one client serves every caller of a department, so a cookie one answer sets (a session,
    say) would otherwise travel with the next caller's request. The gateway's requests carry their identity in
    signed headers, never in cookies."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def set_cookie(self, cookie: Any) -> None:
        return None


def open_http_client(entry: DepartmentEntry, transport_name: Transport, user_agent: str) -> httpx.AsyncClient:
    """The httpx client of one department: its pool size and timeouts, redirects never followed."""
    limits = httpx.Limits(
        max_connections=entry.max_connections, max_keepalive_connections=entry.max_connections
    )
    transport: httpx.AsyncBaseTransport
    if transport_name == "aiohttp":
        import aiohttp
        from httpx_aiohttp import AiohttpTransport

        def session() -> aiohttp.ClientSession:
            # aiohttp's own jar would keep cookies too (from host names; it skips IP addresses by default).
            connector = aiohttp.TCPConnector(
                limit=entry.max_connections, keepalive_timeout=limits.keepalive_expiry
            )
            return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

        transport = AiohttpTransport(limits=limits, trust_env=False, client=session)
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
        cookies=_RefusingCookieJar(),  # a CookieJar is kept as given; httpx.Cookies would be copied
    )
    return client
