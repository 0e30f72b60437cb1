"""Calling the gateway back: a client-credentials token per department, then events, retried on failure."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import msgspec
import structlog

__all__ = ["GatewayCaller"]

log = structlog.get_logger("ishenzhen_simulators.callbacks")

_ATTEMPTS = 8
_TIMEOUT = aiohttp.ClientTimeout(total=10)


@dataclass
class _Token:
    value: str
    expires_at: float


class GatewayCaller:
    """One per process: tokens are cached per department until shortly before they expire."""

    def __init__(self, gateway_url: str) -> None:
        self.gateway_url = gateway_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None
        self._tokens: dict[str, _Token] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.sent = 0
        self.failed = 0

    def repoint(self, gateway_url: str) -> None:
        self.gateway_url = gateway_url.rstrip("/")
        self._tokens.clear()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=_TIMEOUT)
        return self._session

    async def _token(self, client_id: str, secret: str, *, fresh: bool = False) -> str:
        lock = self._locks.setdefault(client_id, asyncio.Lock())
        async with lock:
            token = self._tokens.get(client_id)
            if token is not None and not fresh and token.expires_at > time.monotonic():
                return token.value
            async with self._http().post(
                f"{self.gateway_url}/oauth/token",
                data={"grant_type": "client_credentials", "scope": "applications:update"},
                auth=aiohttp.BasicAuth(client_id, secret),
            ) as response:
                body = await response.read()
                if response.status != 200:
                    raise _CallFailed(f"token endpoint answered {response.status}: {body[:200]!r}")
            answer = msgspec.json.decode(body)
            lifetime = float(answer.get("expires_in", 60))
            self._tokens[client_id] = _Token(answer["access_token"], time.monotonic() + max(lifetime - 30, 5))
            return self._tokens[client_id].value

    async def send_event(self, *, client_id: str, secret: str, number: str, event: dict[str, Any]) -> bool:
        """Deliver one event; True once the gateway took it (202, or 200 for a replay)."""
        url = f"{self.gateway_url}/v1/department/applications/{number}/events"
        body = msgspec.json.encode(event)
        delay = 0.2
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                token = await self._token(client_id, secret, fresh=attempt > 1 and attempt % 2 == 0)
                async with self._http().post(
                    url,
                    data=body,
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                ) as response:
                    await response.read()
                    if response.status in (200, 202):
                        self.sent += 1
                        return True
                    if response.status in (400, 403, 404, 409, 422):
                        # The gateway refuses this event for good; sending it again would not change that.
                        log.warning(
                            "callback.refused",
                            number=number,
                            status=response.status,
                            sequence=event.get("sequence"),
                        )
                        self.failed += 1
                        return False
            except (aiohttp.ClientError, TimeoutError, _CallFailed, KeyError, msgspec.DecodeError) as exc:
                log.info("callback.retrying", number=number, attempt=attempt, error=str(exc)[:200])
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        self.failed += 1
        log.warning("callback.gave_up", number=number, sequence=event.get("sequence"))
        return False


class _CallFailed(Exception):
    pass
