"""The benchmark's reference handler: the cheapest useful litestar endpoint, a small Struct.

Every benchmark figure is a ratio to this handler measured in the same run, so figures survive noisy
machines. Mounted only when ``ISHENZHEN_ENABLE_BENCH_ROUTES`` is on, which production mode refuses.
"""

from __future__ import annotations

from litestar import get

from ishenzhen.identity import requires
from ishenzhen.lib.structs import Struct

__all__ = ["BENCH_ROUTES", "bench_protected", "bench_unprotected", "reference_hello"]


class Hello(Struct, frozen=True):
    message: str


_HELLO = Hello(message="你好，深圳")


@get("/bench/reference", include_in_schema=False, cache=False)
async def reference_hello() -> Hello:
    return _HELLO


# The same handler with and without bearer authentication (a department token, checked locally).
@get("/bench/unprotected", include_in_schema=False, cache=False)
async def bench_unprotected() -> Hello:
    return _HELLO


@get("/bench/protected", include_in_schema=False, cache=False, opt=requires("applications:update"))
async def bench_protected() -> Hello:
    return _HELLO


BENCH_ROUTES = [reference_hello, bench_unprotected, bench_protected]
