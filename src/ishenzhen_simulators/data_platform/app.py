"""The platform's HTTP API: one raw ASGI app, signed requests only, with knobs for slow, down and inconsistent.

Routes (all GET unless said, JSON bodies, ``?fields=a,b`` returns only those fields):

- ``/v1/population/{id_number}`` — the population register
- ``/v1/legal-persons/{credit_code}`` and ``/v1/name-availability?name=…`` — the legal-person register
- ``/v1/e-licences/{holder}?types=a,b`` — the e-licence register (a person's ID number or a credit code)
- ``/v1/credit/{subject}`` — public credit (dishonest persons, abnormal operation, ratings)
- ``PUT /v1/control`` — set a source's mode: ``normal``, ``slow`` (``delay_ms``), ``down`` or ``inconsistent``
- ``/health`` — unsigned liveness

A raw ASGI app rather than a framework: the platform is on the decision's critical path and has a handful of
fixed routes, so routing is a split of the path.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from ishenzhen_simulators.data_platform.registers import City
from ishenzhen_simulators.data_platform.signing import SignatureRefused, verify

__all__ = [
    "DEV_CLIENT_ID",
    "DEV_CLIENT_SECRET",
    "Knobs",
    "create_app",
    "create_app_from_environment",
    "knobs_from_text",
]

DEV_CLIENT_ID = "ishenzhen-gateway"
DEV_CLIENT_SECRET = "dev-only-data-platform-secret"  # noqa: S105 - the development pairing, overridden by env
SOURCES = ("population", "legal_person", "e_licence", "credit")
MAX_DELAY_MS = 60_000

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class Knobs:
    """Per source: ``mode`` and ``delay_ms``; changed at run time through ``PUT /v1/control``."""

    modes: dict[str, str] = field(default_factory=lambda: dict.fromkeys(SOURCES, "normal"))
    delays: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SOURCES, 0))


def _select(record: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    if not fields:
        return record
    keep = {name for name in fields if name}
    return {
        key: value
        for key, value in record.items()
        if key in keep or key in ("id_number", "credit_code", "subject", "type", "conflicts")
    }


def _inconsistent(source: str, record: dict[str, Any]) -> dict[str, Any]:
    """What a platform joining several departments' copies answers when they disagree: both, flagged."""
    changed = dict(record)
    if source == "population":
        changed["name"] = record["name"][:1] + "某" + record["name"][2:]
        changed["conflicts"] = ["name"]
    elif source == "legal_person":
        changed["status"] = "operating" if record.get("status") != "operating" else "revoked"
        changed["conflicts"] = ["status"]
    elif source == "credit":
        changed["dishonest"] = not record.get("dishonest", False)
        changed["conflicts"] = ["dishonest"]
    return changed


def create_app(
    city: City, clients: Mapping[str, str], knobs: Knobs | None = None
) -> Callable[..., Awaitable[None]]:
    knobs = knobs or Knobs()

    async def respond(send: Send, status: int, body: Any) -> None:
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    def lookup(source: str, parts: list[str], query: dict[str, list[str]]) -> tuple[int, Any]:
        fields = query.get("fields", [""])[0].split(",") if "fields" in query else None
        key = parts[2] if len(parts) == 3 else ""
        record: Any
        if source == "population":
            record = city.person(key)
        elif source == "legal_person" and parts[1] == "name-availability":
            name = query.get("name", [""])[0]
            if not 1 <= len(name) <= 100:
                return 400, {"error": "bad_name", "detail": "name: 1 to 100 characters"}
            return 200, {"name": name, "available": city.name_available(name)}
        elif source == "legal_person":
            record = city.enterprise(key)
        elif source == "e_licence":
            licences = city.licences(key)
            if licences is None:
                return 404, {"error": "not_found", "detail": "no such holder"}
            types = set(query.get("types", [""])[0].split(",")) - {""}
            chosen = [licence for licence in licences if not types or licence["type"] in types]
            return 200, {"holder": key, "licences": chosen}
        else:
            record = city.credit(key)
        if record is None:
            return 404, {"error": "not_found", "detail": "no such record"}
        if knobs.modes[source] == "inconsistent":
            record = _inconsistent(source, record)
        return 200, _select(record, fields)

    async def control(receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > 4096:
                await respond(send, 413, {"error": "too_large"})
                return
            if not message.get("more_body"):
                break
        try:
            change = json.loads(body)
            source, mode = change["source"], change["mode"]
            delay = int(change.get("delay_ms", 0))
        except (ValueError, KeyError, TypeError):
            await respond(send, 400, {"error": "bad_body", "detail": "{source, mode, delay_ms?}"})
            return
        targets = SOURCES if source == "all" else (source,)
        if (
            any(t not in SOURCES for t in targets)
            or mode not in ("normal", "slow", "down", "inconsistent")
            or not 0 <= delay <= MAX_DELAY_MS
        ):
            await respond(
                send, 400, {"error": "bad_body", "detail": "unknown source or mode, or delay out of range"}
            )
            return
        for target in targets:
            knobs.modes[target], knobs.delays[target] = mode, delay if mode == "slow" else 0
        await respond(send, 200, {"modes": knobs.modes, "delays": knobs.delays})

    routes = {
        "population": "population",
        "legal-persons": "legal_person",
        "name-availability": "legal_person",
        "e-licences": "e_licence",
        "credit": "credit",
    }

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        method: str = scope["method"]
        if path == "/health":
            await respond(send, 200, {"status": "ok", "people": city.people, "enterprises": city.enterprises})
            return
        raw_query = scope.get("query_string", b"").decode("latin-1")
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]
        }
        try:
            verify(method, path, raw_query, headers, clients)
        except SignatureRefused as refused:
            await respond(send, refused.status, {"error": refused.code, "detail": refused.detail})
            return
        parts = path.strip("/").split("/")
        if parts == ["v1", "control"] and method == "PUT":
            await control(receive, send)
            return
        source = routes.get(parts[1]) if len(parts) >= 2 and parts[0] == "v1" else None
        if source is None or method != "GET" or len(parts) > 3:
            await respond(send, 404, {"error": "no_route"})
            return
        if knobs.modes[source] == "down":
            await respond(send, 503, {"error": "source_down", "detail": f"{source} is not answering"})
            return
        if knobs.delays[source]:
            await asyncio.sleep(knobs.delays[source] / 1000)
        status, body = lookup(source, parts, parse_qs(raw_query))
        await respond(send, status, body)

    return app


def clients_from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """``DATA_PLATFORM_CLIENTS=id:secret,id2:secret2``; the development pairing when unset."""
    text = environ.get("DATA_PLATFORM_CLIENTS", "")
    if not text:
        return {DEV_CLIENT_ID: DEV_CLIENT_SECRET}
    return dict(pair.split(":", 1) for pair in text.split(",") if ":" in pair)


def knobs_from_text(text: str) -> Knobs:
    """``population=down,credit=slow:800,all=inconsistent`` (the ``--knob`` flags)."""
    knobs = Knobs()
    for entry in filter(None, (part.strip() for part in text.split(","))):
        source, _, setting = entry.partition("=")
        mode, _, delay = setting.partition(":")
        if mode not in ("normal", "slow", "down", "inconsistent") or (
            source not in SOURCES and source != "all"
        ):
            raise ValueError(
                f"bad knob {entry!r}: SOURCE=MODE[:MS] with a source of {', '.join(SOURCES)} or all"
            )
        for target in SOURCES if source == "all" else (source,):
            knobs.modes[target] = mode
            knobs.delays[target] = min(MAX_DELAY_MS, int(delay or 0)) if mode == "slow" else 0
    return knobs


def create_app_from_environment() -> Callable[..., Awaitable[None]]:
    seed = int(os.environ.get("DATA_PLATFORM_SEED", "2026"))
    people = int(os.environ.get("DATA_PLATFORM_PEOPLE", "120000"))
    enterprises = int(os.environ.get("DATA_PLATFORM_ENTERPRISES", "24000"))
    knobs = knobs_from_text(os.environ.get("DATA_PLATFORM_KNOBS", ""))
    return create_app(City(seed, people, enterprises), clients_from_environment(os.environ), knobs)
