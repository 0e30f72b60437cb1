"""A department's published items as its services_catalog file.

HTTP only: bodies in, answers with strong ETags out; the rules are in ``registry.service``.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter
from litestar.types import ASGIApp

from ishenzhen.registry import bulk
from ishenzhen.registry.controllers._http import (
    READ,
    Caller,
    Pool,
    actor_of,
    answer,
    errors,
    ok,
    yaml_body,
)

__all__ = ["ExportController"]


class ExportController(Controller):
    path = "/v1/registry"
    tags = ["registry"]

    @get(
        "/departments/{slug:str}/export",
        summary="The department's published items as its services_catalog file",
        responses={
            **ok(str, "items/<slug>.yaml, byte for byte", media_type="application/yaml"),
            **errors(404),
        },
        **READ,
    )
    async def export(
        self,
        db_pool: Pool,
        principal: Caller,
        slug: Annotated[str, Parameter(pattern=r"^[a-z][a-z0-9-]{0,63}$")],
    ) -> ASGIApp:
        actor_of(principal).require_reader(slug)
        async with db_pool.acquire() as connection:
            text = await bulk.department_file(connection, slug)
        return answer(yaml_body(text), media_type=b"application/yaml")
