"""Helpers of the handling tests: uploads, valid forms for the demo citizens, submitting (and waiting for the
rules' decision as the citizen would, on the application's detail)."""

from __future__ import annotations

import io
import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image

from ishenzhen.identity.seed import DEMO_ENTERPRISE
from ishenzhen.settings import Settings, load_settings
from tests.identity.conftest import ISSUER, L2, L3

CREDIT_CODE = DEMO_ENTERPRISE[0]
Client = AsyncTestClient[Litestar]
Headers = dict[str, str]
# Far above any burst a durability test sends: the per-account submit limit has tests of its own.
UNLIMITED_SUBMITS = 1_000_000


def submissions_only(database_url: str, **overrides: Any) -> Settings:
    """Settings of an in-process app that only takes submissions and issues tokens: no delivery workers, no
    simulators of its own, no submit limit in the way."""
    defaults: dict[str, Any] = {
        "log_format": "json",
        "log_level": "warning",
        "identity_issuer": ISSUER,
        "identity_key_refresh_seconds": 0,
        "handling_dispatch_workers": 0,
        "departments_simulators": False,
        "handling_submit_burst": UNLIMITED_SUBMITS,
        "handling_submit_rate_per_hour": UNLIMITED_SUBMITS,
    }
    return load_settings({}, database_url=database_url, **(defaults | overrides))


def png(width: int = 8, height: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


async def upload(
    client: Client, auth: Headers, content: bytes | None = None, name: str = "身份证.png"
) -> str:
    answer = await client.post(
        "/v1/materials",
        params={"name": name},
        content=content or png(),
        headers={**auth, "Content-Type": "application/octet-stream"},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def form_components(client: Client, code: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def visit(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            out.append(node)
            visit(node.get("components", []))

    answer = await client.get(f"/v1/app/items/{code}/form")
    assert answer.status_code == 200, answer.text
    for step in answer.json()["steps"]:
        visit(step["components"])
    return out


PEOPLE = {L2: ("张伟", "440303198503120017"), L3: ("李娜", "440305199207060029")}


async def person_form(client: Client, auth: Headers, code: str, mobile: str = L2) -> dict[str, Any]:
    """A complete, valid form for a verified demo citizen with a fresh upload in every required upload field."""
    name, id_number = PEOPLE[mobile]
    data: dict[str, Any] = {
        "applicant_name": name,
        "applicant_id_number": id_number,
        "contact_mobile": mobile,
        "promise": True,
    }
    return await with_uploads(client, auth, code, data)


async def enterprise_form(client: Client, auth: Headers, code: str, mobile: str = L3) -> dict[str, Any]:
    data: dict[str, Any] = {
        "enterprise_name": DEMO_ENTERPRISE[1],
        "enterprise_credit_code": CREDIT_CODE,
        "contact_name": PEOPLE[mobile][0],
        "contact_mobile": mobile,
        "promise": True,
    }
    return await with_uploads(client, auth, code, data)


async def with_uploads(client: Client, auth: Headers, code: str, data: dict[str, Any]) -> dict[str, Any]:
    for component in await form_components(client, code):
        if component["type"] == "upload" and component.get("required"):
            data[component["id"]] = [await upload(client, auth)]
    return data


async def apply(
    client: Client, auth: Headers, body: dict[str, Any], key: str | None = None, **headers: str
) -> Any:
    return await client.post(
        "/v1/applications",
        json=body,
        headers={**auth, "Idempotency-Key": key or str(uuid.uuid4()), **headers},
    )


async def eventually(check: Any, within: float = 10.0) -> None:
    """Wait until ``await check()`` is true, polling; fail after ``within`` seconds (a deadline, not a sleep)."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.02)


async def submit_and_wait(
    client: Client, auth: Headers, body: dict[str, Any], within: float = 10.0
) -> dict[str, Any]:
    """Submit an instant-approval application and return its detail once the decision shows on it.

    The 202 is the commit, not the decision: the citizen's app polls the detail (or listens on the stream)
    until the rules' decision is there, and so does this."""
    answer = await apply(client, auth, body)
    assert answer.status_code == 202, answer.text
    url = f"/v1/applications/{answer.json()['id']}"
    detail: dict[str, Any] = {}

    async def decided() -> bool:
        nonlocal detail
        shown = await client.get(url, headers=auth)
        assert shown.status_code == 200, shown.text
        detail = shown.json()
        return bool((detail.get("decision") or {}).get("state") == "decided")

    await eventually(decided, within)
    return detail
