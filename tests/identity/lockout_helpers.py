"""Sign-in attempts from chosen client addresses.

litestar's test transport always reports the peer ``testclient``, and a second transport cannot share the
app (its lifespan, pool and loop live in the test client's portal), so the app is wrapped once: a request's
``x-test-peer`` header becomes its peer address, as a real socket would report it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from litestar.types import Receive, Scope, Send

from tests.identity.conftest import ISSUER, hidden_fields
from tests.identity.test_authorize import authorize_url

PEER_HEADER = b"x-test-peer"


def with_test_peer(app: Litestar) -> Any:
    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            peer = next((v.decode() for k, v in scope["headers"] if k == PEER_HEADER), None)
            if peer is not None:
                scope["client"] = (peer, 40000)
        await app(scope, receive, send)

    return asgi


@asynccontextmanager
async def peer_client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=with_test_peer(app), base_url=ISSUER) as client:
        client.follow_redirects = False
        yield client


async def password_attempt(
    client: AsyncTestClient[Litestar],
    address: str,
    mobile: str,
    password: str,
    forwarded_for: str | None = None,
) -> httpx.Response:
    client.cookies.clear()  # a browser of its own at each address
    headers = {PEER_HEADER.decode(): address}
    if forwarded_for is not None:
        headers["x-forwarded-for"] = forwarded_for
    page = await client.get(authorize_url(prompt="login"), headers=headers)
    form = {**hidden_fields(page.text), "action": "password", "mobile": mobile, "password": password}
    return await client.post("/oauth/authorize", data=form, headers=headers)


async def sms_sign_in(
    client: AsyncTestClient[Litestar], address: str, db_pool: asyncpg.Pool, mobile: str
) -> httpx.Response:
    client.cookies.clear()
    headers = {PEER_HEADER.decode(): address}
    page = await client.get(authorize_url(prompt="login"), headers=headers)
    sent = await client.post(
        "/oauth/authorize",
        data={**hidden_fields(page.text), "action": "send_sms", "mobile": mobile},
        headers=headers,
    )
    assert sent.status_code == 200, sent.text
    message = await db_pool.fetchval(
        "SELECT message FROM identity_sms_outbox WHERE mobile = $1 ORDER BY id DESC LIMIT 1", mobile
    )
    code = re.search(r"\d{6}", message)[0]  # type: ignore[index]
    return await client.post(
        "/oauth/authorize",
        data={**hidden_fields(sent.text), "action": "sms", "mobile": mobile, "sms_code": code},
        headers=headers,
    )
