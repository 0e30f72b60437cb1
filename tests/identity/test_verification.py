"""Real-name (L2) and face-check (L3) endpoints, and agent grants, over HTTP with real access tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.accounts import mask_resident_id
from tests.identity.conftest import L1, L2, L3, AsyncOAuth2Client, app_tokens

OAuthFactory = Callable[..., AsyncOAuth2Client]
ENTERPRISE = "91440300MA5FDEMQ01"
WANG_QIANG = ("王强", "440306197801150032")  # in the seeded register, on no account yet


async def bearer(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, mobile: str, scope: str = "openid profile"
) -> dict[str, str]:
    client.cookies.clear()
    token = await app_tokens(client, oauth_client, mobile=mobile, scope=scope)
    return {"Authorization": f"Bearer {token['access_token']}"}


async def test_real_name_raises_an_l1_account_to_l2_and_never_logs_the_id_number(
    client: AsyncTestClient[Litestar],
    oauth_client: OAuthFactory,
    db_pool: asyncpg.Pool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    auth = await bearer(client, oauth_client, L1)
    answer = await client.post(
        "/v1/me/real-name", json={"name": WANG_QIANG[0], "resident_id": WANG_QIANG[1]}, headers=auth
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["assurance_level"] == "L2" and answer.json()["token_acr"] == "L1"
    me = (await client.get("/v1/me", headers=auth)).json()
    assert me["assurance_level"] == "L2" and me["name"] == "王强" and me["token_acr"] == "L1"
    again = await client.post(
        "/v1/me/real-name", json={"name": "王强", "resident_id": WANG_QIANG[1]}, headers=auth
    )
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    details = [
        r["detail"]
        for r in await db_pool.fetch("SELECT detail::text FROM identity_audit WHERE event LIKE 'real_name.%'")
    ]
    assert details and all(WANG_QIANG[1] not in d and mask_resident_id(WANG_QIANG[1]) in d for d in details)
    captured = capsys.readouterr()
    assert WANG_QIANG[1] not in captured.out + captured.err
    # A fresh sign-in now carries L2.
    client.cookies.clear()
    token = await app_tokens(client, oauth_client, mobile=L1, scope="openid profile", acr_values="L2")
    me = (await client.get("/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"})).json()
    assert me["token_acr"] == "L2"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "刘洋", "resident_id": WANG_QIANG[1]}, "name"),  # the register holds another name
        ({"name": "王强", "resident_id": "440303199001010015"}, "name"),  # valid, but not in the register
        ({"name": "王强", "resident_id": WANG_QIANG[1][:-1] + "3"}, "resident_id"),  # check character
        ({"name": "王强", "resident_id": "12345"}, "resident_id"),
        ({"name": "", "resident_id": WANG_QIANG[1]}, "name"),
    ],
)
async def test_mismatches_and_malformed_numbers_are_a_clear_422_revealing_nothing(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, body: dict[str, str], field: str
) -> None:
    answer = await client.post("/v1/me/real-name", json=body, headers=await bearer(client, oauth_client, L1))
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert [e["name"] for e in problem["errors"]] == [field]
    assert "王强" not in answer.text.replace(body["name"], "") and "刘洋" not in answer.text.replace(
        body["name"], ""
    )
    if field == "name" and body["name"]:
        assert problem["detail"] == "name: the name and ID number do not match the population register"


async def test_real_name_attempts_are_rate_limited_per_account(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    auth = await bearer(client, oauth_client, L1)
    statuses = [
        (
            await client.post(
                "/v1/me/real-name", json={"name": "某某", "resident_id": WANG_QIANG[1]}, headers=auth
            )
        )
        for _ in range(6)
    ]
    assert [s.status_code for s in statuses] == [422] * 5 + [429]
    assert int(statuses[-1].headers["retry-after"]) > 0 and statuses[-1].json()["retry_after"] > 0


async def test_face_check_needs_l2_and_raises_to_l3(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    low = await client.post(
        "/v1/me/face-check",
        json={"liveness_token": "live:0032"},
        headers=await bearer(client, oauth_client, L1),
    )
    assert low.status_code == 403
    auth = await bearer(client, oauth_client, L2)  # 张伟, 440303198503120017
    wrong = await client.post("/v1/me/face-check", json={"liveness_token": "live:9999"}, headers=auth)
    assert wrong.status_code == 422
    passed = await client.post("/v1/me/face-check", json={"liveness_token": "live:0017"}, headers=auth)
    assert passed.status_code == 200 and passed.json()["assurance_level"] == "L3"
    assert (
        await client.post("/v1/me/face-check", json={"liveness_token": "live:0017"}, headers=auth)
    ).status_code == 409


async def test_both_need_a_bearer_token_with_the_profile_scope(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    for path in ("/v1/me/real-name", "/v1/me/face-check"):
        anonymous = await client.post(path, json={"liveness_token": "x", "name": "x", "resident_id": "x"})
        assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Bearer")
    narrow = await bearer(client, oauth_client, L1, scope="openid phone")
    assert (
        await client.post("/v1/me/face-check", json={"liveness_token": "x"}, headers=narrow)
    ).status_code == 403


# -- agent grants --------------------------------------------------------------------------------------------


def grant_body(mobile: str, days: int = 30, scopes: list[str] | None = None) -> dict[str, object]:
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()
    return {"mobile": mobile, "scopes": scopes or ["applications:submit"], "expires_at": expires}


async def test_the_legal_representative_invites_the_citizen_accepts_and_the_grant_can_be_revoked(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, db_pool: asyncpg.Pool
) -> None:
    agents = f"/v1/enterprises/{ENTERPRISE}/agents"
    rep = await bearer(client, oauth_client, L3, "openid profile enterprise")
    invited = await client.post(agents, json=grant_body(L1), headers=rep)
    assert invited.status_code == 202, invited.text
    assert set(invited.json()) == {"invitation_id", "expires_at", "detail"}  # nothing about the number
    l1 = await bearer(client, oauth_client, L1)
    assert (await client.get("/v1/me", headers=l1)).json()["parties"] == []  # no grant before consent
    pending = (await client.get("/v1/me/agent-invitations", headers=l1)).json()
    assert [(i["invitation_id"], i["credit_code"], i["scopes"]) for i in pending] == [
        (invited.json()["invitation_id"], ENTERPRISE, ["applications:submit"])
    ]
    accept = f"/v1/me/agent-invitations/{invited.json()['invitation_id']}/accept"
    refused = await client.post(accept, headers=l1)
    assert refused.status_code == 403 and "L2" in refused.json()["detail"]  # verify the real name first
    await client.post(
        "/v1/me/real-name", json={"name": WANG_QIANG[0], "resident_id": WANG_QIANG[1]}, headers=l1
    )
    client.cookies.clear()
    raised = await app_tokens(client, oauth_client, mobile=L1, scope="openid profile", acr_values="L2")
    l2 = {"Authorization": f"Bearer {raised['access_token']}"}
    accepted = await client.post(accept, headers=l2)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["credit_code"] == ENTERPRISE and accepted.json()["role"] == "agent"
    assert (await client.post(accept, headers=l2)).status_code == 404  # used up
    assert (await client.get("/v1/me/agent-invitations", headers=l2)).json() == []
    parties = (await client.get("/v1/me", headers=l2)).json()["parties"]
    assert [(p["credit_code"], p["role"], p["scopes"]) for p in parties] == [
        (ENTERPRISE, "agent", ["applications:submit"])
    ]
    for bad in (
        grant_body(L1, days=-1),
        grant_body(L1, days=4000),
        grant_body(L1, scopes=["registry:write"]),
        grant_body("12345"),
    ):
        assert (await client.post(agents, json=bad, headers=rep)).status_code == 422
    assert (
        await client.post(agents, json=grant_body(L3), headers=rep)
    ).status_code == 409  # the rep's own number
    listed = await client.get(agents, headers=rep)
    assert listed.status_code == 200
    listed_agents = [(a["agent_sub"], a["name"], a["scopes"]) for a in listed.json()]
    agent_sub = listed_agents[0][0]
    assert listed_agents[0][1:] == ("王强", ["applications:submit"])  # newest grant first, once accepted
    assert ("张伟", ["applications:submit"]) in [
        (name, scopes) for _, name, scopes in listed_agents
    ]  # seeded
    assert (await client.get(agents, headers=l2)).status_code == 403  # the agent's token lacks the scope
    revoked = await client.delete(f"{agents}/{agent_sub}", headers=rep)
    assert agent_sub not in [a["agent_sub"] for a in (await client.get(agents, headers=rep)).json()]
    assert revoked.status_code == 204
    assert (await client.get("/v1/me", headers=l2)).json()["parties"] == []
    assert (await client.delete(f"{agents}/{agent_sub}", headers=rep)).status_code == 404
    events = [
        r["event"]
        for r in await db_pool.fetch(
            "SELECT event FROM identity_audit WHERE event LIKE 'enterprise.agent_%' ORDER BY id"
        )
    ]
    assert events == [
        "enterprise.agent_invited",
        "enterprise.agent_invitation_accepted",
        "enterprise.agent_revoked",
    ]


async def test_only_the_legal_representative_at_l2_or_higher_may_manage_agents(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    agents = f"/v1/enterprises/{ENTERPRISE}/agents"
    agent = await bearer(client, oauth_client, L2, "openid profile enterprise")  # an agent, not the rep
    assert (await client.post(agents, json=grant_body(L2), headers=agent)).status_code == 404
    other = "/v1/enterprises/91350100M000100Y43/agents"  # valid, not represented: the same 404
    rep = await bearer(client, oauth_client, L3, "openid profile enterprise")
    assert (await client.post(other, json=grant_body(L2), headers=rep)).status_code == 404
    malformed = await client.post(
        "/v1/enterprises/91440300MA5FDEMQ02/agents", json=grant_body(L2), headers=rep
    )
    assert malformed.status_code == 400
    low = await bearer(client, oauth_client, L1, "openid profile enterprise")
    refused = await client.post(agents, json=grant_body(L2), headers=low)
    assert refused.status_code == 403 and "L2" in refused.json()["detail"]
