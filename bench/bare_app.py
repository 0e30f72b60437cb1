"""The reference that counts: a bare litestar app answering the same small Struct as ``/bench/reference``.

    granian --interface asgi --factory bench.bare_app:create_bare_app

Nothing of the project's app runs here: no middleware, no access log, no plugins, no database. ``python -m
bench`` serves it in its own granian process with the service's worker, loop and pinning settings and
measures it alternately with the service, so a ratio to it says what the project's pipeline costs on top
of litestar itself (the in-app reference pays the project's access log and middleware too).
"""

from __future__ import annotations

import msgspec
from litestar import Litestar, get

__all__ = ["Hello", "create_bare_app"]


class Hello(msgspec.Struct, frozen=True):
    message: str


_HELLO = Hello(message="你好，深圳")


@get("/bench/reference", cache=False)
async def bare_hello() -> Hello:
    return _HELLO


def create_bare_app() -> Litestar:
    return Litestar(route_handlers=[bare_hello], openapi_config=None)
