"""/docs renders from files the project serves itself: no CDN, nothing inline, under a strict CSP."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.api_docs import ASSETS_PATH, VERSION

Client = AsyncTestClient[Litestar]


async def test_docs_page_loads_only_assets_served_by_the_project(client: Client) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    html = page.text
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, html
    assert all(reference.startswith(f"{ASSETS_PATH}/{VERSION}/") for reference in references), references
    assert "<script>" not in html and "<style" not in html  # nothing inline: script-src 'self' suffices
    assert 'data-url="/docs/openapi.json"' in html
    for reference in references:
        asset = await client.get(reference)
        assert asset.status_code == 200, reference
        assert "max-age=31536000" in asset.headers["cache-control"]
        assert asset.headers["x-content-type-options"] == "nosniff"


async def test_the_committed_assets_carry_their_licence(client: Client) -> None:
    licence = await client.get(f"{ASSETS_PATH}/{VERSION}/LICENSE")
    assert licence.status_code == 200 and "Apache License" in licence.text


async def test_openapi_json_is_still_served_next_to_the_page(client: Client) -> None:
    document = await client.get("/docs/openapi.json")
    assert document.status_code == 200 and document.json()["openapi"].startswith("3.")
