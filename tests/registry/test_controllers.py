"""The registry over HTTP with real tokens: isolation, the review workflow, ETags and preconditions."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.source.model import ServiceItem
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
    assert draft["status"] == "draft" and draft["version"] == 1 and draft["created_by"].startswith("dept-archives")
    etag = created.headers["etag"]

    renamed = as_json(new_item, name="知青档案查询（更新）")
    edited = await client.put(f"{ITEMS}/{NEW_ITEM_CODE}/draft", json=renamed, headers=bearer(archives, **{"If-Match": etag}))
    assert edited.status_code == 200, edited.text
    assert edited.json()["document"]["name"] == "知青档案查询（更新）" and edited.headers["etag"] != etag

    submitted = await client.post(
        f"{ITEMS}/{NEW_ITEM_CODE}/draft/submit", json={}, headers=bearer(archives, **{"If-Match": edited.headers["etag"]})
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"

    reviewer = await token("reviewer", "registry:review")
    queue = await client.get("/v1/registry/review-queue", headers=bearer(reviewer))
    assert queue.status_code == 200, queue.text
    assert [(e["code"], e["version"]["version"]) for e in queue.json()["entries"]] == [(NEW_ITEM_CODE, 1)]

    approved = await client.post(f"{ITEMS}/{NEW_ITEM_CODE}/versions/1/approve", json={}, headers=bearer(reviewer))
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "published"

    async def listed() -> bool:
        public = await client.get(f"/v1/catalog/items/{NEW_ITEM_CODE}")
        return public.status_code == 200 and public.json()["name"] == "知青档案查询（更新）"

    await eventually(listed)
