"""The token endpoint's rate limits: per claimed client id and per address, 429 + Retry-After, RFC 6749 body."""

from __future__ import annotations

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from ishenzhen.identity.seed import DEMO_DEPARTMENT_SECRET, DEPARTMENT_CLIENT_ID
from ishenzhen.settings import Settings, load_settings
from tests.identity.conftest import ISSUER
from tests.probe_routes import PROBE_ROUTES


def limited_app(database_url: str, per_client: int, per_address: int) -> object:
    from ishenzhen.app import create_app

    settings: Settings = load_settings(
        {},
        database_url=database_url,
        log_format="json",
        log_level="warning",
        identity_issuer=ISSUER,
        identity_token_rate_per_client=per_client,
        identity_token_rate_per_address=per_address,
    )
    return create_app(settings, extra_route_handlers=PROBE_ROUTES)


async def credentials(client: AsyncTestClient, secret: str = DEMO_DEPARTMENT_SECRET) -> object:
    return await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(DEPARTMENT_CLIENT_ID, secret)
    )


@pytest.mark.parametrize(("per_client", "per_address", "who"), [(2, 100, "client"), (100, 2, "address")])
async def test_over_the_limit_is_429_with_retry_after_and_an_oauth_body(
    database_url: str, db_pool: asyncpg.Pool, per_client: int, per_address: int, who: str
) -> None:
    app = limited_app(database_url, per_client, per_address)
    async with AsyncTestClient(app=app, base_url=ISSUER) as client:  # type: ignore[arg-type]
        answers = [await credentials(client) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[-1]
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.headers["cache-control"] == "no-store"
    body = refused.json()
    assert body["error"] == "invalid_request" and f"this {who}" in body["error_description"]
    assert set(body) == {"error", "error_description"}
    assert await db_pool.fetchval("SELECT count(*) FROM identity_audit WHERE event = 'token.throttled'") == 1


async def test_failed_authentications_count_too(database_url: str) -> None:
    """A client guessing secrets is slowed down like any other caller: attempts count before authentication."""
    app = limited_app(database_url, 3, 100)
    async with AsyncTestClient(app=app, base_url=ISSUER) as client:  # type: ignore[arg-type]
        statuses = [(await credentials(client, "wrong")).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
