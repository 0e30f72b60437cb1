"""Many instances, one truth: what the registry publishes, withdraws or rolls back on one gateway instance is
in the public catalogue of another instance within a second (LISTEN/NOTIFY; the poll is set far beyond that)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.app import create_app
from ishenzhen.settings import Settings, replace_settings
from tests.registry.conftest import ISSUER, Token, bearer, eventually
from tests.registry.test_controllers import ARCHIVES_ITEM, ITEMS, _draft_of_published

Client = AsyncTestClient[Litestar]
VISIBLE_WITHIN_S = 1.0


@pytest.fixture
async def second_instance(settings: Settings) -> AsyncIterator[Client]:
    # Only NOTIFY can meet the deadline: the fallback poll comes every ten minutes.
    async with AsyncTestClient(
        app=create_app(replace_settings(settings, change_poll_seconds=600)), base_url=ISSUER
    ) as other:
        yield other


async def test_publication_withdrawal_and_rollback_reach_another_instance_within_a_second(
    client: Client, second_instance: Client, token: Token
) -> None:
    public = f"/v1/catalog/items/{ARCHIVES_ITEM}"

    async def name_on_second() -> str | None:
        answer = await second_instance.get(public)
        return answer.json()["name"] if answer.status_code == 200 else None

    original = await name_on_second()
    assert original is not None
    archives = await token("archives")
    reviewer = await token("reviewer", "registry:review")

    draft, etag = await _draft_of_published(client, archives, name=f"{original}（新版）")
    submitted = await client.post(
        f"{ITEMS}/{ARCHIVES_ITEM}/draft/submit", json={}, headers=bearer(archives, **{"If-Match": etag})
    )
    assert submitted.status_code == 200, submitted.text
    approved = await client.post(
        f"{ITEMS}/{ARCHIVES_ITEM}/versions/{draft['version']}/approve", json={}, headers=bearer(reviewer)
    )
    assert approved.status_code == 200, approved.text

    async def published() -> bool:
        return await name_on_second() == f"{original}（新版）"

    await eventually(published, within=VISIBLE_WITHIN_S)

    withdrawn = await client.post(
        f"{ITEMS}/{ARCHIVES_ITEM}/withdraw", json={"reason": "政策调整"}, headers=bearer(archives)
    )
    assert withdrawn.status_code == 200, withdrawn.text

    async def gone() -> bool:
        return await name_on_second() is None

    await eventually(gone, within=VISIBLE_WITHIN_S)
    # The item's screens follow the catalogue on that instance too.
    assert (await second_instance.get(f"/v1/app/items/{ARCHIVES_ITEM}/guide")).status_code == 404

    rolled = await client.post(
        f"{ITEMS}/{ARCHIVES_ITEM}/rollback",
        json={"to_version": 1, "reason": "误下线，恢复原版"},
        headers=bearer(archives),
    )
    assert rolled.status_code == 200, rolled.text

    async def restored() -> bool:
        return await name_on_second() == original

    await eventually(restored, within=VISIBLE_WITHIN_S)
    assert (await second_instance.get(f"/v1/app/items/{ARCHIVES_ITEM}/guide")).status_code == 200
