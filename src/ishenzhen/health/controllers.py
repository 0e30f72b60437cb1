"""``/health/live`` answers while the process serves; ``/health/ready`` also needs the database; ``/`` says
where the docs, the health probes and the identity provider's discovery document are."""

from __future__ import annotations

import asyncio

import asyncpg
import structlog
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from ishenzhen import __version__
from ishenzhen.health.schemas import Health, ServiceIndex

__all__ = ["HealthController", "ServiceIndexController"]

log = structlog.get_logger(__name__)
_READY_TIMEOUT_S = 2.0
_LIVE = Health(status="ok")


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/live", summary="Liveness probe", cache=False)
    async def live(self) -> Health:
        return _LIVE

    @get(
        "/ready",
        summary="Readiness probe: the database answers",
        responses={
            503: ResponseSpec(
                data_container=Health, generate_examples=False, description="The database does not answer"
            )
        },
    )
    async def ready(self, db_pool: NamedDependency[asyncpg.Pool]) -> Response[Health]:
        try:
            async with asyncio.timeout(_READY_TIMEOUT_S):
                await db_pool.fetchval("SELECT 1")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            log.warning("health.database_unavailable", error=type(exc).__name__, reason=str(exc))
            unavailable = Health(status="unavailable", database="unavailable")
            return Response(unavailable, status_code=HTTP_503_SERVICE_UNAVAILABLE)
        return Response(Health(status="ok", database="ok"), status_code=HTTP_200_OK)


_INDEX = ServiceIndex(
    name="ishenzhen",
    version=__version__,
    docs="/docs",
    openapi="/docs/openapi.json",
    health="/health/ready",
    discovery="/.well-known/openid-configuration",
)


class ServiceIndexController(Controller):
    path = "/"
    tags = ["health"]

    @get("/", summary="Where to start: links to the API docs, health and OpenID discovery")
    async def index(self) -> ServiceIndex:
        return _INDEX
