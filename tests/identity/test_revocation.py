"""Revocation honoured by the API on every instance: the bearer check refuses revoked tokens at once.

Bearer checks are local (a JWT verified in memory); each instance also holds the revoked token ids, fed by
NOTIFY and a one-second poll, so a revoked token is refused everywhere within a second.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError as OAuth2Error
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.oauth.service import RevocationList
from ishenzhen.settings import Settings
from tests.identity.conftest import ISSUER, AsyncOAuth2Client, app_tokens, sign_in
from tests.identity.test_guards import claims_of
from tests.probe_routes import PROBE_ROUTES

TOKEN_URL = f"{ISSUER}/oauth/token"
OAuthFactory = Callable[..., AsyncOAuth2Client]


def bearer(token: dict[str, object]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token['access_token']}"}


async def revoke(client: AsyncTestClient[Litestar], token: str) -> None:
    answer = await client.post("/oauth/revoke", data={"token": token, "client_id": "ishenzhen-app"})
    assert answer.status_code == 200, answer.text


@pytest.fixture
async def second_instance(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """Another gateway instance on the same database: its own memory, key ring and change feed."""
    from ishenzhen.app import create_app

    app = create_app(settings, extra_route_handlers=PROBE_ROUTES)
    async with AsyncTestClient(app=app, base_url=ISSUER) as other:
        yield other


async def seconds_until_refused(client: AsyncTestClient[Litestar], headers: dict[str, str]) -> float:
    """How long after now ``GET /v1/me`` with ``headers`` turns 401 (fails after five seconds)."""
    started = time.monotonic()
    while time.monotonic() - started < 5:
        answer = await client.get("/v1/me", headers=headers)
        if answer.status_code == 401:
            assert "revoked" in answer.json()["detail"]
            return time.monotonic() - started
        assert answer.status_code == 200, answer.text
        await asyncio.sleep(0.01)  # polling the answer, not waiting for a race: the loop measures
    raise AssertionError("the revoked token was still accepted after 5 s")


async def test_a_revoked_access_token_is_refused_by_the_api_and_userinfo(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    token = await app_tokens(client, oauth_client)
    other = await app_tokens(client, oauth_client)
    assert (await client.get("/v1/me", headers=bearer(token))).status_code == 200
    await revoke(client, str(token["access_token"]))
    refused = await client.get("/v1/me", headers=bearer(token))
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["www-authenticate"]
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/oauth/userinfo", headers=bearer(token))).status_code == 401
    # Only that token: another one of the same account still works.
    assert (await client.get("/v1/me", headers=bearer(other))).status_code == 200


async def test_revoking_a_refresh_token_ends_the_access_tokens_it_issued(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    first = await app_tokens(client, oauth_client)
    second = await oauth_client().refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])
    unrelated = await app_tokens(client, oauth_client)
    for token in (first, second):
        assert (await client.get("/v1/me", headers=bearer(token))).status_code == 200
    await revoke(client, str(second["refresh_token"]))
    for token in (first, second):
        assert (await client.get("/v1/me", headers=bearer(token))).status_code == 401
        assert (await client.get("/oauth/userinfo", headers=bearer(token))).status_code == 401
    assert (await client.get("/v1/me", headers=bearer(unrelated))).status_code == 200


async def test_reusing_a_refresh_token_ends_the_access_tokens_of_its_family(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    first = await app_tokens(client, oauth_client)
    second = await oauth_client().refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])
    with pytest.raises(OAuth2Error):
        await oauth_client().refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])
    for token in (first, second):
        assert (await client.get("/v1/me", headers=bearer(token))).status_code == 401


@pytest.mark.parametrize("scope", ["openid profile phone offline_access", "openid profile"])
async def test_a_replayed_code_ends_everything_it_issued_access_tokens_included(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, scope: str
) -> None:
    oc = oauth_client(scope=scope)
    verifier = generate_token(48)
    url, _ = oc.create_authorization_url(f"{ISSUER}/oauth/authorize", code_verifier=verifier)
    location = await sign_in(client, url)
    token = await oc.fetch_token(TOKEN_URL, authorization_response=location, code_verifier=verifier)
    refreshed = None
    if "refresh_token" in token:
        refreshed = await oauth_client(scope=scope).refresh_token(
            TOKEN_URL, refresh_token=token["refresh_token"]
        )
    assert (await client.get("/v1/me", headers=bearer(token))).status_code == 200
    with pytest.raises(OAuth2Error) as caught:
        await oauth_client(scope=scope).fetch_token(
            TOKEN_URL, authorization_response=location, code_verifier=verifier
        )
    assert caught.value.error == "invalid_grant"
    assert (await client.get("/v1/me", headers=bearer(token))).status_code == 401
    if refreshed is not None:
        assert (await client.get("/v1/me", headers=bearer(refreshed))).status_code == 401


async def test_revocation_reaches_another_instance_within_a_second(
    client: AsyncTestClient[Litestar],
    second_instance: AsyncTestClient[Litestar],
    oauth_client: OAuthFactory,
) -> None:
    token = await app_tokens(client, oauth_client)
    family = await app_tokens(client, oauth_client)
    for instance in (client, second_instance):
        assert (await instance.get("/v1/me", headers=bearer(token))).status_code == 200
    await revoke(client, str(token["access_token"]))
    assert await seconds_until_refused(second_instance, bearer(token)) < 1.0
    await revoke(client, str(family["refresh_token"]))
    assert await seconds_until_refused(second_instance, bearer(family)) < 1.0


async def test_a_lost_notification_is_made_up_by_the_poll_within_a_second(
    client: AsyncTestClient[Litestar],
    second_instance: AsyncTestClient[Litestar],
    oauth_client: OAuthFactory,
    db_pool: asyncpg.Pool,
) -> None:
    token = await app_tokens(client, oauth_client)
    assert (await second_instance.get("/v1/me", headers=bearer(token))).status_code == 200
    claims = claims_of(str(token["access_token"]))
    # A revocation written without NOTIFY, as when the listening connection was down.
    await db_pool.execute(
        "INSERT INTO identity_revoked_access_tokens (jti, expires_at) VALUES ($1, $2)",
        claims["jti"],
        dt.datetime.fromtimestamp(claims["exp"], dt.UTC),
    )
    # The poll runs every second; allow one period plus the request loop's own time.
    assert await seconds_until_refused(second_instance, bearer(token)) < 1.5


async def test_the_list_holds_revocations_until_the_tokens_expire(db_pool: asyncpg.Pool) -> None:
    now = dt.datetime.now(dt.UTC)
    await db_pool.executemany(
        "INSERT INTO identity_revoked_access_tokens (jti, expires_at) VALUES ($1, $2)",
        [("live", now + dt.timedelta(minutes=5)), ("gone", now - dt.timedelta(seconds=1))],
    )
    revocations = RevocationList(db_pool)
    await revocations.refresh()
    assert "live" in revocations and "gone" not in revocations and len(revocations) == 1
    # The full reload purged the expired row: nothing is kept once the token could not be used anyway.
    assert await db_pool.fetchval("SELECT array_agg(jti) FROM identity_revoked_access_tokens") == ["live"]
    # Incremental reads add what was revoked since, without a full reload.
    await db_pool.execute(
        "INSERT INTO identity_revoked_access_tokens (jti, expires_at) VALUES ('later', $1)",
        now + dt.timedelta(minutes=5),
    )
    await revocations.refresh()
    assert "later" in revocations and "live" in revocations
