# ruff: noqa: F811 - the sharing fixtures are imported by name and requested by name
"""Instant approval on the submission path, end to end: the 202 commits, then the rules decide from the platform.

The data platform is the real simulator in process (its HTTP semantics over httpx's ASGI transport), seeded as
in the sharing tests; a demo account is pointed at a seeded person, so the register answers for that citizen.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import msgspec
import pytest
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from litestar import Litestar

from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.handling.instant import InstantDecider
from ishenzhen.identity import RESULT_TYPE
from ishenzhen.sharing import PlatformClient
from ishenzhen_simulators.data_platform.app import Knobs
from ishenzhen_simulators.data_platform.registers import City
from tests.handling.conftest import Client, Headers, app_tokens, oauth_client  # noqa: F401
from tests.handling.helpers import apply, eventually
from tests.handling.test_applying import subject_of
from tests.identity.conftest import ISSUER, L2
from tests.sharing.conftest import city, find_person, knobs, platform  # noqa: F401 - fixtures

ELDERLY_FUTIAN = "050080007000440304"


@pytest.fixture(scope="session")
def items(full_catalogue: Catalog) -> dict[str, ServiceItem]:
    """Only instant-approval items (the conftest's ``published`` imports whatever this names)."""
    by_code = {item.code: item for item in full_catalogue.items}
    return {"elderly": by_code[ELDERLY_FUTIAN]}


@pytest.fixture
async def decider(
    app: Litestar,
    client: Client,
    platform: PlatformClient,
    city: City,
) -> AsyncIterator[InstantDecider]:
    """The app's own decider, talking to the in-process platform instead of a platform process."""
    instant: InstantDecider = app.state.instant
    instant.platform = platform
    instant.today = lambda: city.today
    yield instant


async def _as(db_pool: asyncpg.Pool, mobile: str, id_number: str) -> None:
    async with db_pool.acquire() as connection:
        await connection.execute(
            "UPDATE identity_accounts SET resident_id = $1 WHERE mobile = $2", id_number, mobile
        )


def _elderly_form(id_number: str) -> dict[str, Any]:
    """The 老龄津贴发放 form as an elder applying for themself fills it in (bank proof is optional)."""
    return {
        "applying_for": "self",
        "name": "测试老人",
        "id_number": id_number,
        "mobile": L2,
        "age_band": "70_79",
        "home_address": {"district": "440304", "detail": "福华路1号"},
        "bank": "icbc",
        "account_holder": "测试老人",
        "account_number": "6222020200001234567",
        "commitment": True,
    }


async def _submit(client: Client, auth: Headers, item: ServiceItem, id_number: str) -> str:
    form = _elderly_form(id_number)
    answer = await apply(client, auth, {"item_code": item.code, "form": form, "item_version": item.version})
    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] == "submitted"  # the 202 is the commit; the decision comes after it
    return str(answer.json()["id"])


async def _decided(db_pool: asyncpg.Pool, application_id: str) -> None:
    """Until the app's decider (on the test client's own event loop) has recorded the decision."""

    async def done() -> bool:
        async with db_pool.acquire() as connection:
            state = await connection.fetchval(
                "SELECT state FROM handling_instant_decisions WHERE application_id = $1",
                uuid.UUID(application_id),
            )
        return bool(state == "decided")

    await eventually(done)


async def _detail(client: Client, auth: Headers, application_id: str) -> dict[str, Any]:
    answer = await client.get(f"/v1/applications/{application_id}", headers=auth)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def _stored(db_pool: asyncpg.Pool, application_id: str) -> tuple[asyncpg.Record, list[asyncpg.Record]]:
    async with db_pool.acquire() as connection:
        decision = await connection.fetchrow(
            "SELECT state, outcome, decision FROM handling_instant_decisions WHERE application_id = $1",
            uuid.UUID(application_id),
        )
        outbox = await connection.fetch(
            "SELECT kind, path, body FROM handling_outbox WHERE application_id = $1 ORDER BY id",
            uuid.UUID(application_id),
        )
    assert decision is not None
    return decision, list(outbox)


async def _access_log(client: Client, auth: Headers, application_id: str) -> list[dict[str, Any]]:
    answer = await client.get("/v1/me/data-access", headers=auth)
    assert answer.status_code == 200, answer.text
    return [e for e in answer.json()["entries"] if e["application_id"] == application_id]


async def test_an_elder_in_futian_is_approved_and_sees_it_in_the_inbox(
    client: Client,
    citizen: Any,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    decider: InstantDecider,
    city: City,
    department: Any,
) -> None:
    elder = find_person(
        city,
        lambda p, _: (
            p["status"] == "alive"
            and p["household_district"] == "440304"
            and p["birth_date"] < "1950-01-01"
            and not p["benefits"]
        ),
    )
    await _as(db_pool, L2, elder)
    auth = await citizen(L2)
    application_id = await _submit(client, auth, items["elderly"], elder)
    await _decided(db_pool, application_id)

    detail = await _detail(client, auth, application_id)
    assert detail["status"] == "approved"
    last = detail["timeline"][-1]
    assert (last["status"], last["actor"]) == ("approved", "gateway")
    assert last["actor_id"].startswith(f"rules:{ELDERLY_FUTIAN}@v")
    assert "秒批通过" in last["message"]

    decision, outbox = await _stored(db_pool, application_id)
    assert (decision["state"], decision["outcome"]) == ("decided", "approved")
    # The department hears of the decision through the outbox, after the submission itself.
    assert [record["kind"] for record in outbox] == ["submission", "decision"]
    told = msgspec.json.decode(outbox[1]["body"])
    assert told["outcome"] == "approved" and told["decision"]["result"]["monthly_yuan"] >= 200

    inbox = (await client.get("/v1/me/messages", headers=auth)).json()["items"]
    assert next(m["status"] for m in inbox if m["application_id"] == application_id) == "approved"
    [pull] = await _access_log(client, auth, application_id)
    assert (pull["source"], pull["purpose"], pull["outcome"]) == ("population", "instant_approval", "ok")


async def test_a_person_outside_the_district_is_rejected_with_reasons_and_the_way_to_a_clerk(
    client: Client,
    citizen: Any,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    decider: InstantDecider,
    city: City,
) -> None:
    elsewhere = find_person(
        city,
        lambda p, _: (
            p["status"] == "alive" and p["household_district"] != "440304" and p["birth_date"] < "1950-01-01"
        ),
    )
    await _as(db_pool, L2, elsewhere)
    auth = await citizen(L2)
    application_id = await _submit(client, auth, items["elderly"], elsewhere)
    await _decided(db_pool, application_id)

    detail = await _detail(client, auth, application_id)
    assert detail["status"] == "rejected"
    message = detail["timeline"][-1]["message"]
    assert message.startswith("未通过自动审批：") and "户籍" in message and "窗口" in message
    decision = detail["decision"]
    assert decision["outcome"] == "rejected" and decision["result_id"] is None
    assert any("户籍" in reason for reason in decision["reasons"]) and "窗口" in (decision["clerk"] or "")
    decision, _ = await _stored(db_pool, application_id)
    assert decision["outcome"] == "rejected"


async def test_a_source_down_sends_the_elder_to_a_clerk_not_an_approval(
    client: Client,
    citizen: Any,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    decider: InstantDecider,
    city: City,
    knobs: Knobs,
) -> None:
    elder = find_person(
        city,
        lambda p, _: (
            p["status"] == "alive"
            and p["household_district"] == "440304"
            and p["birth_date"] < "1950-01-01"
            and not p["benefits"]
        ),
    )
    await _as(db_pool, L2, elder)
    knobs.modes.update(population="down")
    auth = await citizen(L2)
    application_id = await _submit(client, auth, items["elderly"], elder)
    await _decided(db_pool, application_id)

    detail = await _detail(client, auth, application_id)
    assert detail["status"] == "in_review"
    assert "需人工审核" in detail["timeline"][-1]["message"]
    decision, outbox = await _stored(db_pool, application_id)
    assert decision["outcome"] == "manual_review"
    assert [record["kind"] for record in outbox] == ["submission", "decision"]
    # The pull that failed is in the citizen's log too.
    [pull] = await _access_log(client, auth, application_id)
    assert (pull["source"], pull["outcome"]) == ("population", "unavailable")


async def test_a_decision_owed_by_a_process_that_died_is_made_by_the_sweep(
    client: Client,
    citizen: Any,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    decider: InstantDecider,
    city: City,
    platform: PlatformClient,
) -> None:
    elder = find_person(
        city,
        lambda p, _: (
            p["status"] == "alive"
            and p["household_district"] == "440304"
            and p["birth_date"] < "1950-01-01"
            and not p["benefits"]
        ),
    )
    await _as(db_pool, L2, elder)
    auth = await citizen(L2)
    application_id = await _submit(client, auth, items["elderly"], elder)
    await _decided(db_pool, application_id)
    # As if the process crashed after the commit: the decision is owed again and its lease has ended.
    async with db_pool.acquire() as connection:
        await connection.execute(
            "UPDATE handling_instant_decisions SET state = 'pending', outcome = NULL, decision = NULL, "
            "decided_at = NULL, available_at = now() - interval '1 second' WHERE application_id = $1",
            uuid.UUID(application_id),
        )
        await connection.execute(
            "UPDATE handling_applications SET status = 'submitted' WHERE id = $1", uuid.UUID(application_id)
        )
    # Another gateway process's decider finds it.
    other = InstantDecider(db_pool, platform, decider.rule_sets, today=decider.today)
    assert await other.run_due() == 1
    assert (await _detail(client, auth, application_id))["status"] == "approved"
    assert await other.run_due() == 0  # decided once: nothing more is owed


async def test_an_approval_issues_a_signed_result_verifiable_offline_and_online_and_revocable(
    client: Client,
    citizen: Any,
    items: dict[str, ServiceItem],
    db_pool: asyncpg.Pool,
    decider: InstantDecider,
    city: City,
    department: Any,
    oauth_client: Any,
) -> None:
    elder = find_person(
        city,
        lambda p, _: (
            p["status"] == "alive"
            and p["household_district"] == "440304"
            and p["birth_date"] < "1950-01-01"
            and not p["benefits"]
        ),
    )
    await _as(db_pool, L2, elder)
    auth = await citizen(L2)
    application_id = await _submit(client, auth, items["elderly"], elder)
    await _decided(db_pool, application_id)
    detail = await _detail(client, auth, application_id)
    link = detail["timeline"][-1]["message"].rsplit("电子结果核验：", 1)[1]
    assert link.startswith(ISSUER) and link.endswith("/verification")
    # The detail carries the decision itself: every check as a sentence, the result and where to verify it.
    decision = detail["decision"]
    assert (decision["state"], decision["outcome"], decision["reasons"]) == ("decided", "approved", [])
    assert decision["verification_url"] == link and link.endswith(f"/{decision['result_id']}/verification")
    assert decision["explanations"] and all(
        any("\u4e00" <= c <= "\u9fff" for c in text) for text in decision["explanations"]
    )
    english = (
        await client.get(
            f"/v1/applications/{application_id}", headers={**auth, "Accept-Language": "en-GB,zh;q=0.5"}
        )
    ).json()["decision"]
    assert len(english["explanations"]) == len(decision["explanations"])
    assert not any("\u4e00" <= c <= "\u9fff" for text in english["explanations"] for c in text), english
    assert english["result_id"] == decision["result_id"]

    # Online: the public endpoint the QR code points to, no token needed.
    online = await client.get(link.removeprefix(ISSUER))
    assert online.status_code == 200, online.text
    assert online.json()["status"] == "valid" and online.json()["item_code"] == ELDERLY_FUTIAN
    # Offline: any JOSE library, from the published JWKS alone.
    keys = KeySet.import_key_set((await client.get("/oauth/jwks")).json())
    token = jws.deserialize_compact(online.json()["document"], keys, algorithms=["ES256"])
    assert token.protected["typ"] == RESULT_TYPE
    claims = json.loads(token.payload)
    assert (
        claims["iss"] == ISSUER
        and claims["verification_url"] == link
        and claims["item_code"] == ELDERLY_FUTIAN
    )
    assert (
        claims["sub"] == subject_of(auth) and elder not in token.payload.decode()
    )  # no ID number on a QR code
    assert claims["result"]["monthly_yuan"] >= 200
    tampered = online.json()["document"].split(".")
    tampered[1] = tampered[1][:-2] + ("AA" if tampered[1][-2:] != "AA" else "BB")
    with pytest.raises(JoseError):
        jws.deserialize_compact(".".join(tampered), keys, algorithms=["ES256"])

    # Revoked by the department that issued it, under its own scope; another department cannot even see it.
    issuer = await db_pool.fetchval(
        "SELECT department FROM handling_applications WHERE id = $1", uuid.UUID(application_id)
    )
    revocation = f"/v1/department/results/{claims['jti']}/revocation"
    body = {"category": "issued_in_error", "reason": "依法撤销"}
    revoker = await department(issuer, "applications:update results:revoke")
    mover = await department(issuer)  # the same system's token without results:revoke
    assert (await client.post(revocation, json=body, headers=mover)).status_code == 403
    # A result another department issued is "not found" to this one (its existence is not revealed).
    moved = "UPDATE handling_applications SET department = $2 WHERE id = $1"
    await db_pool.execute(moved, uuid.UUID(application_id), "another-department")
    foreign = await client.post(revocation, json=body, headers=revoker)
    assert foreign.status_code == 404, foreign.text
    await db_pool.execute(moved, uuid.UUID(application_id), issuer)
    assert (await client.get(link.removeprefix(ISSUER))).json()["status"] == "valid"
    bad = await client.post(revocation, json={"category": "because", "reason": ""}, headers=revoker)
    assert bad.status_code in (400, 422) and bad.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert "category" in bad.text
    first = await client.post(revocation, json=body, headers=revoker)
    assert first.status_code == 200, first.text
    again = await client.post(revocation, json={"category": "fraud", "reason": "再次"}, headers=revoker)
    assert again.json() == first.json()  # idempotent: the first revocation stands
    after = (await client.get(link.removeprefix(ISSUER))).json()
    assert (after["status"], after["revocation_reason"], after["revocation_category"]) == (
        "revoked",
        "依法撤销",
        "issued_in_error",
    )
    assert after["revoked_at"] == first.json()["revoked_at"]
    audit = await db_pool.fetch(
        "SELECT replayed FROM results_revocation_audit WHERE result_id = $1 ORDER BY id",
        uuid.UUID(claims["jti"]),
    )
    assert [row["replayed"] for row in audit] == [False, True]
    assert (await client.get(f"/v1/results/{uuid.uuid4()}/verification")).status_code == 404

    # The holder's wallet lists the result as revoked, with when and the category (least privilege: licences).
    assert (await client.get("/v1/me/results", headers=auth)).status_code == 403
    client.cookies.clear()
    wallet_tokens = await app_tokens(client, oauth_client, mobile=L2, scope="openid licences")
    wallet = await client.get(
        "/v1/me/results", headers={"Authorization": f"Bearer {wallet_tokens['access_token']}"}
    )
    assert wallet.status_code == 200, wallet.text
    (held,) = [r for r in wallet.json()["results"] if r["id"] == claims["jti"]]
    assert (held["status"], held["revocation_category"], held["revoked_at"]) == (
        "revoked",
        "issued_in_error",
        first.json()["revoked_at"],
    )
    assert held["verification_url"] == link
