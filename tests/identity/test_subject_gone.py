"""A token that outlives its account is refused the same way wherever it is used: 401 ``invalid_token``."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.identity.conftest import L1, AsyncOAuth2Client, app_tokens

OAuthFactory = Callable[..., AsyncOAuth2Client]
GONE = "the token's subject no longer exists"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/me", None),
        ("POST", "/v1/me/real-name", {"name": "王强", "resident_id": "440306197801150032"}),
        ("POST", "/v1/me/face-check", {"liveness_token": "live:0032"}),
    ],
)
async def test_the_api_answers_401_problem_with_a_bearer_challenge(
    client: AsyncTestClient[Litestar],
    oauth_client: OAuthFactory,
    db_pool: asyncpg.Pool,
    method: str,
    path: str,
    body: dict[str, str] | None,
) -> None:
    token = await app_tokens(client, oauth_client, mobile=L1, scope="openid profile")
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await client.get("/v1/me", headers=auth)).status_code == 200
    await db_pool.execute("DELETE FROM identity_accounts WHERE mobile = $1", L1)
    answer = await client.request(method, path, json=body, headers=auth)
    assert answer.status_code == 401, answer.text
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["detail"] == GONE and answer.json()["type"].endswith(":unauthorized")


async def test_userinfo_answers_401_with_an_rfc_6750_body(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    token = await app_tokens(client, oauth_client, mobile=L1, scope="openid profile phone")
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await client.get("/oauth/userinfo", headers=auth)).json()["phone_number"] == f"+86{L1}"
    await db_pool.execute("DELETE FROM identity_accounts WHERE mobile = $1", L1)
    answer = await client.get("/oauth/userinfo", headers=auth)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert answer.json() == {"error": "invalid_token", "error_description": GONE}
