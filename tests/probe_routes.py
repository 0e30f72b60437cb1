"""Routes that exist only in tests, to reach the error paths of the shared machinery (bodies, crashes)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Request, get, post
from litestar.params import JSONBody, Parameter

from ishenzhen.lib.structs import Struct


class Applicant(Struct, frozen=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    age: Annotated[int, msgspec.Meta(ge=0, le=150)]


@post("/test/applicants", include_in_schema=False)
async def echo_applicant(data: JSONBody[Applicant]) -> Applicant:
    return data


@get("/test/crash", include_in_schema=False)
async def crash() -> None:
    # The phone number must not reach the log unmasked, even inside a traceback.
    raise RuntimeError("database password=hunter2 for 13800138000 leaked")


@get("/test/count", include_in_schema=False)
async def count(limit: Annotated[int, Parameter(ge=1, le=100)] = 10) -> dict[str, int]:
    return {"limit": limit}


@post("/test/upload", include_in_schema=False, status_code=200)
async def upload(request: Request) -> dict[str, int]:
    # A body the edge does not buffer (not JSON, not a form): the handler streams it.
    return {"size": len(await request.body())}


PROBE_ROUTES = [echo_applicant, crash, count, upload]
