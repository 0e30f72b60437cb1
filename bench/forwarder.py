"""The pass-through benchmark's reference: a bare litestar handler forwarding to a department with aiohttp.

It does only what the department insists on (an RFC 9421 signature, with the same signer as the gateway, so
the comparison leaves signing out) and nothing the gateway adds: no bearer check, breaker, size cap, cache or
problem documents. Run by ``bench.passthrough`` as ``granian --factory bench.forwarder:create_forwarder``, with
``BENCH_FORWARD_DIRECTORY`` (the simulators' directory file) and ``BENCH_FORWARD_DEPARTMENT`` set.
"""

from __future__ import annotations

import email.utils
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import httpx
from litestar import Litestar, Request, Response, get

from ishenzhen.departments.directory import DepartmentDirectory
from ishenzhen.departments.signing import RequestSigner

__all__ = ["create_forwarder"]


def create_forwarder() -> Litestar:
    directory = DepartmentDirectory.from_file(
        Path(os.environ["BENCH_FORWARD_DIRECTORY"]), allowed_origins=["http://127.0.0.1"]
    )
    slug = os.environ["BENCH_FORWARD_DEPARTMENT"]
    entry = directory.get(slug)
    key = directory.signing_key(slug)
    assert entry is not None and entry.base_url and entry.signing_key_id and key is not None
    signer = RequestSigner(entry.signing_key_id, key)
    base_url = entry.base_url
    state: dict[str, aiohttp.ClientSession] = {}

    @asynccontextmanager
    async def session(app: Litestar) -> AsyncIterator[None]:
        state["session"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64))
        try:
            yield
        finally:
            await state["session"].close()

    @get("/forward/{name:str}", cache=False)
    async def forward(request: Request, name: str) -> Response[bytes]:  # type: ignore[type-arg]
        url = f"{base_url}/queries/{name}"
        if request.url.query:
            url += f"?{request.url.query}"
        outgoing = httpx.Request(
            "GET",
            url,
            headers={
                "date": email.utils.formatdate(usegmt=True),
                "ishenzhen-application-number": "-",
                "ishenzhen-user": "bench",
                "ishenzhen-party": "self",
                "accept": "application/json",
            },
        )
        signer.sign(outgoing, b"")
        async with state["session"].get(str(outgoing.url), headers=dict(outgoing.headers)) as answer:
            body = await answer.read()
            return Response(body, status_code=answer.status, media_type="application/json")

    return Litestar(route_handlers=[forward], lifespan=[session], logging_config=None, debug=False)
