"""Shared fixtures: one real PostgreSQL for the session, a fresh database per test cloned from a template.

The embedded server is started unless ``DATABASE_URL`` names a server to use (its database is then only
used to connect; each test gets its own database created from a migrated template).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.app import create_app
from ishenzhen.db.migrate import apply_migrations
from ishenzhen.embedded import EmbeddedPostgres
from ishenzhen.settings import Settings, load_settings
from tests.probe_routes import PROBE_ROUTES

TEMPLATE = f"ishenzhen_template_{os.getpid()}"
# The department and data-platform simulators run as real processes, reached only over HTTP.
pytest_plugins = ["tests.simulators_fixture"]


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def world_traversable_tmpdir(prefix: str) -> Path:
    """A temp folder the embedded server's unprivileged account can enter (pytest's tmp_path is 0700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    external = os.environ.get("DATABASE_URL")
    if external:
        yield with_database(external, "postgres")
        return
    root = world_traversable_tmpdir("ishenzhen-test-pg-")
    server = EmbeddedPostgres(root / "cluster")
    server.start()
    try:
        yield with_database(server.url, "postgres")
    finally:
        server.stop(mode="immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
async def template_database(pg_admin_url: str) -> AsyncIterator[str]:
    admin = await asyncpg.connect(pg_admin_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
        await admin.execute(f'CREATE DATABASE "{TEMPLATE}"')
        connection = await asyncpg.connect(with_database(pg_admin_url, TEMPLATE))
        try:
            await apply_migrations(connection)
        finally:
            await connection.close()
        yield TEMPLATE
        await admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def empty_database_url(pg_admin_url: str) -> AsyncIterator[str]:
    """A database with nothing in it: for migration tests."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(pg_admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield with_database(pg_admin_url, name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@asynccontextmanager
async def cloned_database(pg_admin_url: str, template: str, prefix: str = "test") -> AsyncIterator[str]:
    """A migrated database of its own, cloned from the template (file copy: fast for small ones), then dropped."""
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(pg_admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        yield with_database(pg_admin_url, name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def database_url(pg_admin_url: str, template_database: str) -> AsyncIterator[str]:
    async with cloned_database(pg_admin_url, template_database) as url:
        yield url


@pytest.fixture
async def db_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    assert pool is not None
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings({}, database_url=database_url, log_format="json", log_level="debug")


@pytest.fixture
def app(settings: Settings) -> Litestar:
    # The app makes its own pool in its lifespan: the test client runs the app on a loop of its own.
    return create_app(settings, extra_route_handlers=PROBE_ROUTES)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client
