"""schemathesis' stateful phase in the suite: it follows the document's OpenAPI links through real workflows
(registry draft → submit → approve, apply → detail → withdraw, list → item → form), every check on, each
operation called with the token its real caller holds, all issued by our own provider.

CI runs a fixed seed and a bounded number of steps; ``ISHENZHEN_FUZZ_LONG=1`` runs a longer randomised walk
(README, "Fuzzing").
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import positive_data_acceptance

from ishenzhen.app import create_app
from ishenzhen.catalog.model import ServiceItem
from ishenzhen.identity.cli import register_department_client
from ishenzhen.settings import Settings
from tests.handling.conftest import Client, Headers

LONG = os.environ.get("ISHENZHEN_FUZZ_LONG") == "1"
SEED = 20261203


async def registry_headers(client: Client, database_url: str, department: str) -> Headers:
    """A department system's client-credentials token that may write and review its registry items."""
    connection = await asyncpg.connect(database_url)
    try:
        credentials = await register_department_client(
            connection, name=f"{department} registry", department=department,
            scopes=["registry:write", "registry:review"], client_id="fuzz-registry",
        )  # fmt: skip
    finally:
        await connection.close()
    answer = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "registry:write registry:review"},
        auth=credentials,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def caller_for(path: str, tokens: dict[str, Headers]) -> Headers:
    """The token the operation's real caller holds: registry → department registry client, callbacks →
    the department system, the citizen's own resources → the citizen; public reads go anonymous."""
    if path.startswith("/v1/registry"):
        return tokens["registry"]
    if path.startswith(("/v1/department", "/v1/departments")):
        return tokens["department"]
    if path.startswith(("/v1/applications", "/v1/me", "/v1/materials", "/v1/enterprises")):
        return tokens["citizen"]
    return {}


async def test_stateful_walk_through_linked_workflows_finds_no_failure(
    settings: Settings,
    client: Client,
    database_url: str,
    items: dict[str, ServiceItem],
    citizen: Callable[..., Awaitable[Headers]],
    department: Callable[..., Awaitable[Headers]],
) -> None:
    slug = items["ordinary"].department if "ordinary" in items else next(iter(items.values())).department
    tokens = {
        "citizen": await citizen(),
        "department": await department(slug),
        "registry": await registry_headers(client, database_url, slug),
    }
    schema = schemathesis.openapi.from_asgi("/docs/openapi.json", create_app(settings))
    base = schema.as_state_machine()

    called: list[tuple[str, int]] = []

    class Workflows(base):  # type: ignore[valid-type,misc]
        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            called.append((case.operation.label, response.status_code))

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": caller_for(case.operation.path, tokens)}

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            # A schema-valid page cursor may still rightly be refused (as tests/test_openapi.py).
            case.validate_response(
                response, excluded_checks=[positive_data_acceptance], transport_kwargs=kwargs
            )

    Workflows.run(
        settings=hypothesis_settings(
            max_examples=400 if LONG else 15,
            stateful_step_count=12 if LONG else 6,
            derandomize=not LONG,
            deadline=None,
            database=None,
            phases=[Phase.generate] if not LONG else [Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
    )
    # The walk left the entry points: linked operations were called with values taken from responses.
    reached = {label for label, _status in called}
    assert {"GET /v1/catalog/items", "GET /v1/registry/items", "GET /v1/applications"} <= reached
