"""The gateway as the simulators see it, for the department side's tests: the token endpoint checks each
department's client secret, the events endpoint records what arrives. (Handling's tests use the real one.)"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from ishenzhen.departments.fleet import DepartmentClientSecret

# Simulated cases move every 20 ms in tests; ten seconds is far more than any case needs.
_WAIT_SECONDS = 10.0


@dataclass
class GatewayDouble:
    secrets: dict[str, DepartmentClientSecret]
    url: str = ""
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (client id, number, event)
    token_requests: int = 0
    refused_tokens: int = 0
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        form = await request.post()
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        client_id, _, secret = (
            base64.b64decode(encoded).decode().partition(":") if scheme == "Basic" else ("", "", "")
        )
        known = {s.client_id: s.secret for s in self.secrets.values()}
        if form.get("grant_type") != "client_credentials" or known.get(client_id) != secret:
            self.refused_tokens += 1
            return web.json_response({"error": "invalid_client"}, status=401)
        return web.json_response(
            {"access_token": f"token:{client_id}", "token_type": "Bearer", "expires_in": 300}
        )

    async def event(self, request: web.Request) -> web.Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not token.startswith("token:"):
            return web.json_response({"error": "invalid_token"}, status=401)
        async with self._arrived:
            self.events.append(
                (token.removeprefix("token:"), request.match_info["number"], await request.json())
            )
            self._arrived.notify_all()
        return web.json_response({"accepted": True}, status=202)

    def of(self, number: str) -> list[dict[str, Any]]:
        return [event for _, n, event in self.events if n == number]

    async def wait_for(self, number: str, status: str) -> list[dict[str, Any]]:
        """The events of ``number`` once one with ``status`` has arrived."""
        async with asyncio.timeout(_WAIT_SECONDS), self._arrived:
            await self._arrived.wait_for(lambda: any(e["status"] == status for e in self.of(number)))
        return self.of(number)

    async def wait_count(self, number: str, count: int) -> list[dict[str, Any]]:
        async with asyncio.timeout(_WAIT_SECONDS), self._arrived:
            await self._arrived.wait_for(lambda: len(self.of(number)) >= count)
        return self.of(number)


@asynccontextmanager
async def gateway_double(secrets: dict[str, DepartmentClientSecret]) -> AsyncIterator[GatewayDouble]:
    double = GatewayDouble(secrets)
    app = web.Application()
    app.router.add_post("/oauth/token", double.token)
    app.router.add_post("/v1/department/applications/{number}/events", double.event)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    double.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield double
    finally:
        await runner.cleanup()
