"""Fuzzing fixtures: the handling tests' database (real catalogue items) and real tokens from our own provider."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import msgspec
import pytest
import schemathesis

from ishenzhen.app import create_app
from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.identity.cli import register_department_client
from ishenzhen.settings import Settings, replace_settings
from tests.handling.conftest import (  # noqa: F401
    Client,
    Headers,
    citizen,
    department,
    full_catalogue,
    items,
    published,
    settings,
)
from tests.handling.helpers import apply, person_form
from tests.identity.conftest import app, client, oauth_client  # noqa: F401

SEED = 20261203
# A live stream never ends: schemathesis reads one until the request timeout, 10 s by default, which made the
# event stream most of this folder's run time. One second, with a heartbeat every 0.2 s, still checks its status,
# headers and framing.
STREAM_SECONDS = 1.0


async def registry_headers(client: Client, database_url: str, department: str) -> Headers:  # noqa: F811
    """A department registry client's client-credentials token that may write and review its items."""
    connection = await asyncpg.connect(database_url)
    try:
        credentials = await register_department_client(
            connection,
            name=f"{department} registry",
            department=department,
            scopes=["registry:write", "registry:review"],
            client_id="fuzz-registry",
        )
    finally:
        await connection.close()
    answer = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "registry:write registry:review"},
        auth=credentials,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
async def tokens(
    client: Client,  # noqa: F811
    database_url: str,
    items: dict[str, ServiceItem],  # noqa: F811
    citizen: Callable[..., Awaitable[Headers]],  # noqa: F811
    department: Callable[..., Awaitable[Headers]],  # noqa: F811
) -> dict[str, Headers]:
    """Authorization headers of each kind of caller, keyed by ``caller_of``'s names."""
    slug = items["person"].department
    return {
        "citizen": await citizen(),
        "department": await department(slug),
        "registry": await registry_headers(client, database_url, slug),
    }


def caller_of(path: str) -> str | None:
    """Who really calls the operation at ``path``: registry → the department's registry client, callbacks and
    operations → the department system, the citizen's own resources → the citizen; public reads: nobody."""
    if path.startswith("/v1/registry"):
        return "registry"
    if path.startswith(("/v1/department", "/v1/departments", "/v1/ops")):
        return "department"
    if path.startswith(("/v1/applications", "/v1/me", "/v1/materials", "/v1/enterprises", "/oauth/userinfo")):
        return "citizen"
    return None


def caller_for(path: str, tokens: dict[str, Headers]) -> Headers:
    """The token ``caller_of(path)`` holds; public reads go anonymous."""
    caller = caller_of(path)
    return tokens[caller] if caller else {}


# The live streams (the document describes their answer in words: litestar gives a stream no content schema).
EVENT_STREAMS = {"/v1/me/events"}


def call_options(operation: schemathesis.APIOperation) -> dict[str, float]:
    """Transport options for calling ``operation``: a short read for an event stream."""
    return {"timeout": STREAM_SECONDS} if operation.path in EVENT_STREAMS else {}


@pytest.fixture
async def workflows_started(
    client: Client,  # noqa: F811
    tokens: dict[str, Headers],
    full_catalogue: Catalog,  # noqa: F811
    items: dict[str, ServiceItem],  # noqa: F811
) -> None:
    """One registry draft and one application exist, so the stateful walk starts from lists that are not empty
    and follows their links (a generated service item or form is almost never valid)."""
    person = items["person"]
    listed = {item.code for item in items.values()}
    unpublished = next(
        item
        for item in full_catalogue.items
        if item.department == person.department and item.code not in listed
    )
    draft = await client.post(
        "/v1/registry/items",
        json=msgspec.to_builtins(msgspec.structs.replace(unpublished, popularity=0)),
        headers=tokens["registry"],
    )
    assert draft.status_code == 201, draft.text
    form = await person_form(client, tokens["citizen"], person.code)
    application = await apply(client, tokens["citizen"], {"item_code": person.code, "form": form})
    assert application.status_code == 202, application.text


@pytest.fixture
def api_schema(settings: Settings) -> schemathesis.BaseSchema:  # noqa: F811
    fuzzed = replace_settings(settings, notifications_heartbeat_seconds=STREAM_SECONDS / 5)
    return schemathesis.openapi.from_asgi("/docs/openapi.json", create_app(fuzzed))
