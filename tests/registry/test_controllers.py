"""The registry over HTTP with real tokens: isolation, the review workflow, ETags and preconditions."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.model import ServiceItem
from tests.registry.conftest import NEW_ITEM_CODE, Token, as_json, bearer, eventually

Client = AsyncTestClient[Litestar]
ITEMS = "/v1/registry/items"
ARCHIVES_ITEM = "200410001000440300"  # imported, published


async def test_a_department_registers_an_item_and_a_reviewer_publishes_it(
    client: Client, token: Token, new_item: ServiceItem
) -> None:
    archives = await token("archives")
    created = await client.post(ITEMS, json=as_json(new_item), headers=bearer(archives))
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{ITEMS}/{NEW_ITEM_CODE}/draft"
    draft = created.json()
    assert (
        draft["status"] == "draft"
        and draft["version"] == 1
        and draft["created_by"].startswith("dept-archives")
    )
    etag = created.headers["etag"]

    renamed = as_json(new_item, name="知青档案查询（更新）")
    edited = await client.put(
        f"{ITEMS}/{NEW_ITEM_CODE}/draft", json=renamed, headers=bearer(archives, **{"If-Match": etag})
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["document"]["name"] == "知青档案查询（更新）" and edited.headers["etag"] != etag

    submitted = await client.post(
        f"{ITEMS}/{NEW_ITEM_CODE}/draft/submit",
        json={},
        headers=bearer(archives, **{"If-Match": edited.headers["etag"]}),
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"

    reviewer = await token("reviewer", "registry:review")
    queue = await client.get("/v1/registry/review-queue", headers=bearer(reviewer))
    assert queue.status_code == 200, queue.text
    assert [(e["code"], e["version"]["version"]) for e in queue.json()["entries"]] == [(NEW_ITEM_CODE, 1)]

    approved = await client.post(
        f"{ITEMS}/{NEW_ITEM_CODE}/versions/1/approve", json={}, headers=bearer(reviewer)
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "published"

    async def listed() -> bool:
        public = await client.get(f"/v1/catalog/items/{NEW_ITEM_CODE}")
        return public.status_code == 200 and public.json()["name"] == "知青档案查询（更新）"

    await eventually(listed)


async def _citizen_token(client: Client) -> str:
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The httpx module is deprecated", DeprecationWarning)
        from authlib.integrations.httpx_client import AsyncOAuth2Client

    from tests.identity.conftest import ISSUER, LOOPBACK, app_tokens

    def make(client_id: str = "ishenzhen-app", **kwargs: object) -> AsyncOAuth2Client:
        kwargs.setdefault("token_endpoint_auth_method", "none")
        kwargs.setdefault("redirect_uri", LOOPBACK)
        kwargs.setdefault("code_challenge_method", "S256")
        return AsyncOAuth2Client(client_id=client_id, transport=client._transport, base_url=ISSUER, **kwargs)

    tokens = await app_tokens(client, make, scope="openid profile")
    return str(tokens["access_token"])


async def test_departments_touch_only_their_own_items(
    client: Client, token: Token, new_item: ServiceItem
) -> None:
    audit = await token("audit")
    archives = await token("archives")
    item = f"{ITEMS}/{ARCHIVES_ITEM}"
    assert (await client.get(item, headers=bearer(archives))).status_code == 200
    for method, path in (
        ("GET", item),
        ("GET", f"{item}/versions"),
        ("GET", f"{item}/history"),
        ("POST", f"{item}/withdraw"),
        ("POST", f"{item}/rollback"),
    ):
        answer = await client.request(
            method, path, headers=bearer(audit), json={"reason": "x", "to_version": 1}
        )
        assert answer.status_code == 403, (method, path, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
    # Registering another department's item is refused too, whatever its content.
    refused = await client.post(ITEMS, json=as_json(new_item), headers=bearer(audit))
    assert refused.status_code == 422 and {"/department"} <= {e["name"] for e in refused.json()["errors"]}
    assert (await client.get(f"{ITEMS}?department=archives", headers=bearer(audit))).status_code == 403
    own = await client.get(ITEMS, headers=bearer(audit))
    assert own.status_code == 200 and {i["department"] for i in own.json()["items"]} == {"audit"}

    citizen = await _citizen_token(client)
    for method, path in (("GET", item), ("POST", ITEMS), ("GET", "/v1/registry/review-queue")):
        assert (await client.request(method, path, headers=bearer(citizen), json={})).status_code == 403
    assert (await client.get(item)).status_code == 401
    assert (await client.post(ITEMS, json=as_json(new_item))).status_code == 401
    # A department system cannot review, not even its own submissions.
    assert (await client.get("/v1/registry/review-queue", headers=bearer(archives))).status_code == 403


async def _draft_of_published(client: Client, archives: str, **changes: object) -> tuple[dict, str]:
    item = await client.get(f"{ITEMS}/{ARCHIVES_ITEM}", headers=bearer(archives))
    version = item.json()["published_version"]
    published = await client.get(f"{ITEMS}/{ARCHIVES_ITEM}/versions/{version}", headers=bearer(archives))
    document = {**published.json()["document"], **changes}
    created = await client.post(
        f"{ITEMS}/{ARCHIVES_ITEM}/drafts",
        json=document,
        headers=bearer(archives, **{"If-Match": item.headers["etag"]}),
    )
    assert created.status_code == 201, created.text
    return created.json(), created.headers["etag"]


async def test_edits_need_the_current_etag(client: Client, token: Token) -> None:
    archives = await token("archives")
    draft, etag = await _draft_of_published(client, archives, name="婚姻登记档案查询（一）")
    path = f"{ITEMS}/{ARCHIVES_ITEM}/draft"
    document = {**draft["document"], "name": "婚姻登记档案查询（二）"}
    missing = await client.put(path, json=document, headers=bearer(archives))
    assert missing.status_code == 428 and "If-Match" in missing.json()["detail"]
    first = await client.put(path, json=document, headers=bearer(archives, **{"If-Match": etag}))
    assert first.status_code == 200
    # A second writer still holding the old ETag loses nothing and overwrites nothing: 412.
    stale = await client.put(
        path, json={**document, "name": "覆盖"}, headers=bearer(archives, **{"If-Match": etag})
    )
    assert stale.status_code == 412
    assert (await client.get(path, headers=bearer(archives))).json()["document"][
        "name"
    ] == "婚姻登记档案查询（二）"
    weak = await client.put(
        path, json=document, headers=bearer(archives, **{"If-Match": "W/" + first.headers["etag"]})
    )
    assert weak.status_code == 412
    again = await client.get(path, headers=bearer(archives, **{"If-None-Match": first.headers["etag"]}))
    assert again.status_code == 304
    assert (await client.post(f"{path}/submit", json={}, headers=bearer(archives))).status_code == 428
    assert (await client.delete(path, headers=bearer(archives, **{"If-Match": etag}))).status_code == 412
    assert (
        await client.delete(path, headers=bearer(archives, **{"If-Match": first.headers["etag"]}))
    ).status_code == 204
    assert (await client.get(path, headers=bearer(archives))).status_code == 404


async def test_rejection_diff_and_history(client: Client, token: Token) -> None:
    archives = await token("archives")
    reviewer = await token("reviewer", "registry:review")
    draft, etag = await _draft_of_published(
        client, archives, name="婚姻登记档案查询（新）", statutory_days=15
    )
    version = draft["version"]
    submitted = await client.post(
        f"{ITEMS}/{ARCHIVES_ITEM}/draft/submit",
        json={"note": "更名"},
        headers=bearer(archives, **{"If-Match": etag}),
    )
    assert submitted.status_code == 200
    # Submitted versions are immutable: there is no draft to edit any more.
    assert (
        await client.put(
            f"{ITEMS}/{ARCHIVES_ITEM}/draft",
            json=draft["document"],
            headers=bearer(archives, **{"If-Match": etag}),
        )
    ).status_code == 404
    no_reason = await client.post(
        f"{ITEMS}/{ARCHIVES_ITEM}/versions/{version}/reject", json={}, headers=bearer(reviewer)
    )
    assert no_reason.status_code in (400, 422)
    rejected = await client.post(
        f"{ITEMS}/{ARCHIVES_ITEM}/versions/{version}/reject",
        json={"reason": "名称不规范"},
        headers=bearer(reviewer),
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["reason"] == "名称不规范"
    twice = await client.post(
        f"{ITEMS}/{ARCHIVES_ITEM}/versions/{version}/approve", json={}, headers=bearer(reviewer)
    )
    assert twice.status_code == 409

    diff = await client.get(
        f"{ITEMS}/{ARCHIVES_ITEM}/diff?from={draft['based_on']}&to={version}", headers=bearer(archives)
    )
    assert diff.status_code == 200
    changes = {c["pointer"]: c for c in diff.json()["changes"]}
    assert set(changes) == {"/name", "/statutory_days"}
    assert changes["/name"] == {
        "pointer": "/name",
        "op": "replace",
        "before": "婚姻登记档案查询",
        "after": "婚姻登记档案查询（新）",
    }

    history = (await client.get(f"{ITEMS}/{ARCHIVES_ITEM}/history", headers=bearer(archives))).json()[
        "entries"
    ]
    steps = [(e["action"], e["actor"]) for e in history]
    assert steps == [
        ("imported", "import"),
        ("draft_created", "dept-archives"),
        ("submitted", "dept-archives"),
        ("rejected", "dept-government-services-data"),
    ]
    assert history[-1]["reason"] == "名称不规范" and history[-1]["department"] == "government-services-data"
    assert {c["pointer"] for c in history[1]["changes"]} == {"/name", "/statutory_days"}


async def test_withdraw_now_rollback_and_scheduled_withdrawal(client: Client, token: Token) -> None:
    archives = await token("archives")
    path = f"{ITEMS}/{ARCHIVES_ITEM}"

    async def public_status() -> int:
        return (await client.get(f"/v1/catalog/items/{ARCHIVES_ITEM}")).status_code

    assert await public_status() == 200
    withdrawn = await client.post(
        f"{path}/withdraw", json={"reason": "政策调整，事项取消"}, headers=bearer(archives)
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["state"] == "withdrawn" and withdrawn.json()["published_version"] is None

    async def gone() -> bool:
        return await public_status() == 404

    await eventually(gone)
    again = await client.post(f"{path}/withdraw", json={"reason": "再次"}, headers=bearer(archives))
    assert again.status_code == 409

    rolled = await client.post(
        f"{path}/rollback", json={"to_version": 1, "reason": "误下线，恢复"}, headers=bearer(archives)
    )
    assert rolled.status_code == 200, rolled.text
    assert rolled.json()["status"] == "published" and rolled.json()["version"] == 2

    async def back() -> bool:
        return await public_status() == 200

    await eventually(back)
    same = await client.post(
        f"{path}/rollback", json={"to_version": 1, "reason": "x"}, headers=bearer(archives)
    )
    assert same.status_code == 409

    later = "2999-01-01T00:00:00+08:00"
    scheduled = await client.post(
        f"{path}/withdraw", json={"reason": "到期下线", "effective_at": later}, headers=bearer(archives)
    )
    assert scheduled.status_code == 200
    assert scheduled.json()["scheduled_withdrawal"]["reason"] == "到期下线"
    assert await public_status() == 200
    cancelled = await client.post(
        f"{path}/schedule/cancel", json={"reason": "延期"}, headers=bearer(archives)
    )
    assert cancelled.status_code == 200 and cancelled.json()["scheduled_withdrawal"] is None
    nothing = await client.post(f"{path}/schedule/cancel", json={"reason": "延期"}, headers=bearer(archives))
    assert nothing.status_code == 409
    actions = [
        e["action"] for e in (await client.get(f"{path}/history", headers=bearer(archives))).json()["entries"]
    ]
    assert actions[1:] == ["withdrawn", "rolled_back", "withdrawal_scheduled", "withdrawal_cancelled"]


async def test_a_department_cannot_set_the_popularity_the_home_screen_ranks_by(
    client: Client, token: Token, new_item: ServiceItem
) -> None:
    archives = await token("archives")
    claimed = await client.post(ITEMS, json=as_json(new_item, popularity=999_999), headers=bearer(archives))
    assert claimed.status_code == 422, claimed.text
    assert [(e["name"], e["reason"]) for e in claimed.json()["errors"]] == [
        ("/popularity", "measured by the city from usage (now 0); it cannot be set")
    ]
    item = await client.get(f"{ITEMS}/{ARCHIVES_ITEM}", headers=bearer(archives))
    published = await client.get(
        f"{ITEMS}/{ARCHIVES_ITEM}/versions/{item.json()['published_version']}", headers=bearer(archives)
    )
    measured = published.json()["document"]["popularity"]
    boosted = {**published.json()["document"], "popularity": measured + 1}
    refused = await client.post(
        f"{ITEMS}/{ARCHIVES_ITEM}/drafts",
        json=boosted,
        headers=bearer(archives, **{"If-Match": item.headers["etag"]}),
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["name"] == "/popularity"
    # Sending back the measured value (as an export does) is fine.
    draft, _ = await _draft_of_published(client, archives, name="档案查询（新版）")
    assert draft["document"]["popularity"] == measured


async def test_a_page_of_items_shows_each_version_in_flight(client: Client, token: Token) -> None:
    archives = await token("archives")
    draft, _ = await _draft_of_published(client, archives, name="档案查询（草稿）")
    first = await client.get(f"{ITEMS}?department=archives&limit=1", headers=bearer(archives))
    assert first.status_code == 200, first.text
    page = first.json()
    assert len(page["items"]) == 1 and page["next_cursor"] == page["items"][0]["code"]
    everything = (await client.get(f"{ITEMS}?department=archives&limit=200", headers=bearer(archives))).json()
    by_code = {item["code"]: item for item in everything["items"]}
    assert everything["next_cursor"] is None and page["items"][0]["code"] in by_code
    in_flight = by_code[ARCHIVES_ITEM]
    assert in_flight["name"] == "档案查询（草稿）" and in_flight["state"] == "published"
    assert in_flight["pending"]["version"] == draft["version"] and in_flight["pending"]["status"] == "draft"
    assert in_flight["pending"]["content_hash"] == draft["content_hash"]
    single = (await client.get(f"{ITEMS}/{ARCHIVES_ITEM}", headers=bearer(archives))).json()
    assert single == in_flight
