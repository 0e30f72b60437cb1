"""Agent grants as invitations: the legal representative learns nothing about a number; the citizen decides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.accounts.service import INVITE_LIMITS
from tests.identity.conftest import L1, L2, L3, AsyncOAuth2Client, app_tokens

OAuthFactory = Callable[..., AsyncOAuth2Client]
ENTERPRISE = "91440300MA5FDEMQ01"
AGENTS = f"/v1/enterprises/{ENTERPRISE}/agents"
INVITATIONS = "/v1/me/agent-invitations"
UNREGISTERED = "13912345678"


async def bearer(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, mobile: str, scope: str = "openid profile"
) -> dict[str, str]:
    client.cookies.clear()
    token = await app_tokens(client, oauth_client, mobile=mobile, scope=scope)
    return {"Authorization": f"Bearer {token['access_token']}"}


def invitation(mobile: str, days: int = 30) -> dict[str, object]:
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()
    return {"mobile": mobile, "scopes": ["applications:submit"], "expires_at": expires}


async def roles(db_pool: asyncpg.Pool) -> list[tuple[object, ...]]:
    rows = await db_pool.fetch("SELECT * FROM identity_enterprise_roles ORDER BY credit_code, account_id")
    return [tuple(row.values()) for row in rows]


async def test_the_answer_is_the_same_whether_the_number_is_unknown_unverified_or_verified(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    rep = await bearer(client, oauth_client, L3, "openid profile enterprise")
    before = await roles(db_pool)
    answers = [
        await client.post(AGENTS, json=invitation(mobile), headers=rep) for mobile in (UNREGISTERED, L1, L2)
    ]
    assert {a.status_code for a in answers} == {202}
    shapes = {
        (tuple(sorted(a.json())), a.json()["detail"], a.headers.get("content-length") is not None)
        for a in answers
    }
    assert len(shapes) == 1  # same members, same words: nothing tells the numbers apart
    body = str([a.json() for a in answers])
    for revealing in ("张伟", "agent_sub", "name", L1, L2, UNREGISTERED):
        assert revealing not in body
    # No grant was made or touched for anyone.
    assert await roles(db_pool) == before


async def test_a_citizen_sees_only_invitations_to_their_own_number_and_cannot_answer_others(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    rep = await bearer(client, oauth_client, L3, "openid profile enterprise")
    to_l1 = (await client.post(AGENTS, json=invitation(L1), headers=rep)).json()["invitation_id"]
    l2 = await bearer(client, oauth_client, L2)
    assert (await client.get(INVITATIONS, headers=l2)).json() == []
    for action in ("accept", "decline"):
        answer = await client.post(f"{INVITATIONS}/{to_l1}/{action}", headers=l2)
        assert answer.status_code == 404, answer.text
    assert (await client.post(f"{INVITATIONS}/not-a-uuid/accept", headers=l2)).status_code == 404
    l1 = await bearer(client, oauth_client, L1)
    assert [i["invitation_id"] for i in (await client.get(INVITATIONS, headers=l1)).json()] == [to_l1]
    assert (await client.get(INVITATIONS)).status_code == 401


async def test_declining_makes_no_grant_and_ends_the_invitation(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    rep = await bearer(client, oauth_client, L3, "openid profile enterprise")
    sent = (await client.post(AGENTS, json=invitation(L2), headers=rep)).json()["invitation_id"]
    l2 = await bearer(client, oauth_client, L2)
    declined = await client.post(f"{INVITATIONS}/{sent}/decline", headers=l2)
    assert declined.status_code == 204
    assert (await client.get(INVITATIONS, headers=l2)).json() == []
    assert (await client.post(f"{INVITATIONS}/{sent}/accept", headers=l2)).status_code == 404
    scopes = await db_pool.fetchval(
        "SELECT r.scopes FROM identity_enterprise_roles r JOIN identity_accounts a ON a.id = r.account_id "
        "WHERE a.mobile = $1 AND r.credit_code = $2",
        L2,
        ENTERPRISE,
    )
    assert scopes == ["applications:submit"]  # the seeded grant, unchanged


async def test_invitations_expire(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    rep = await bearer(client, oauth_client, L3, "openid profile enterprise")
    sent = await client.post(AGENTS, json=invitation(L2, days=2), headers=rep)
    expires = dt.datetime.fromisoformat(sent.json()["expires_at"])
    # Seven days at most, and never beyond the grant it offers.
    assert expires <= dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    await db_pool.execute(
        "UPDATE identity_agent_invitations SET expires_at = now() - interval '1 second', "
        "created_at = now() - interval '2 days'"
    )
    l2 = await bearer(client, oauth_client, L2)
    assert (await client.get(INVITATIONS, headers=l2)).json() == []
    invitation_id = sent.json()["invitation_id"]
    assert (await client.post(f"{INVITATIONS}/{invitation_id}/accept", headers=l2)).status_code == 404


async def test_inviting_is_rate_limited_per_enterprise(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    rep = await bearer(client, oauth_client, L3, "openid profile enterprise")
    budget = INVITE_LIMITS[0].hits
    for n in range(budget):
        answer = await client.post(AGENTS, json=invitation(f"139{n:08d}"), headers=rep)
        assert answer.status_code == 202, answer.text
    over = await client.post(AGENTS, json=invitation("13999999999"), headers=rep)
    assert over.status_code == 429
    assert over.headers["content-type"].startswith("application/problem+json")
    assert int(over.headers["retry-after"]) > 0


async def test_an_invitation_by_a_caller_who_does_not_represent_the_enterprise_spends_no_budget(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    agent = await bearer(client, oauth_client, L2, "openid profile enterprise")
    for _ in range(3):
        assert (await client.post(AGENTS, json=invitation(L1), headers=agent)).status_code == 404
    assert await db_pool.fetchval("SELECT count(*) FROM identity_agent_invitations") == 0
    # The enterprise's whole budget is still there for its legal representative.
    rep = await bearer(client, oauth_client, L3, "openid profile enterprise")
    for n in range(INVITE_LIMITS[0].hits):
        answer = await client.post(AGENTS, json=invitation(f"139{n:08d}"), headers=rep)
        assert answer.status_code == 202, answer.text
