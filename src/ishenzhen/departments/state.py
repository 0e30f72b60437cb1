"""The departments' part of the app: the directory and the one client, made at start-up, closed at shutdown."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from litestar import Litestar

from ishenzhen.departments.client import DepartmentClient
from ishenzhen.departments.directory import DepartmentDirectory
from ishenzhen.departments.service import QueryCache
from ishenzhen.settings import Settings

__all__ = ["DepartmentsState", "departments_lifespan", "load_directory"]


@dataclass(frozen=True)
class DepartmentsState:
    directory: DepartmentDirectory
    client: DepartmentClient
    query_cache: QueryCache


def load_directory(settings: Settings) -> DepartmentDirectory:
    """The configured directory; without a file every department is in the "no_system" state."""
    if settings.departments.directory_file is None:
        return DepartmentDirectory([], allowed_origins=settings.departments.origins)
    return DepartmentDirectory.from_file(
        Path(settings.departments.directory_file),
        allowed_origins=settings.departments.origins,
        require_https=settings.is_production,
    )


def departments_lifespan(settings: Settings) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        directory = load_directory(settings)
        client = DepartmentClient(directory, transport=settings.departments.transport)
        app.state.departments = DepartmentsState(directory, client, QueryCache())
        try:
            yield
        finally:
            await client.aclose()

    return lifespan
