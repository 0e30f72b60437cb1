"""/docs in a real headless Chromium with every other origin unreachable: it renders, with no CSP violation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.identity.test_browser import (  # the live server and browser fixtures of the sign-in tests
    Tab,
    browser,
    browser_database_url,
    live_server,
    tab,
)

pytestmark = pytest.mark.slow
__all__ = ["browser", "browser_database_url", "live_server", "tab"]


async def test_docs_render_offline_from_the_projects_own_assets(live_server, tab: Tab) -> None:
    origin = urlsplit(live_server.issuer).netloc
    foreign: list[str] = []

    async def only_our_origin(route) -> None:
        if urlsplit(route.request.url).netloc == origin:
            await route.continue_()
        else:
            foreign.append(route.request.url)
            await route.abort()

    await tab.page.route("**/*", only_our_origin)
    await tab.page.goto(f"{live_server.issuer}/docs")
    # Swagger UI draws one block per operation once it has fetched and parsed the document.
    await tab.page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    assert await tab.page.locator(".opblock").count() > 20
    assert foreign == []
    assert tab.csp_violations == []
