"""nosniff on every answer, no-store on answers to requests with credentials, no framing of /docs."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


@pytest.mark.parametrize(
    "path", ["/health/live", "/v1/nowhere", "/v1/catalog/search?q=a%00b", "/docs/openapi.json"]
)
async def test_every_answer_says_nosniff(client: Client, path: str) -> None:
    response = await client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/v1/me", "/oauth/userinfo", "/v1/catalog/themes"])
async def test_an_answer_to_a_request_with_credentials_is_not_stored(client: Client, path: str) -> None:
    response = await client.get(path, headers={"Authorization": "Bearer not-a-token"})
    assert response.headers["cache-control"] == "no-store"


async def test_anonymous_catalogue_answers_keep_their_public_policy(client: Client) -> None:
    response = await client.get("/v1/catalog/themes")
    assert "public" in response.headers["cache-control"]


async def test_the_docs_page_cannot_be_framed_and_runs_under_a_policy(client: Client) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert response.headers["x-frame-options"] == "DENY"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
