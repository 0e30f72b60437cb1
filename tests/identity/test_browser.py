"""The sign-in pages in a real headless Chromium, against ``ishenzhen serve`` on loopback.

The mobile app's code + PKCE flow (authlib builds the request and redeems the code), acting for the demo
enterprise, a wrong password, and the consent page of the third-party demo client. Chromium is found through
``ISHENZHEN_CHROMIUM``, then ``chromium`` on PATH (Debian: ``apt-get install chromium``); playwright only
drives it and never downloads a browser of its own.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from joserfc import jwt
from joserfc.jwk import KeySet
from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Request as BrowserRequest

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "The httpx module is deprecated", DeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

from ishenzhen.identity.seed import (
    APP_CLIENT_ID,
    DEMO_ENTERPRISE,
    DEMO_PASSWORD,
    THIRD_PARTY_CLIENT_ID,
    THIRD_PARTY_SECRET,
)
from tests.conftest import cloned_database

pytestmark = pytest.mark.slow

L1, L2, L3 = "13800000001", "13800000002", "13800000003"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


class FormActionBlocked(AssertionError):
    """The browser refused to follow the post's redirect: a Content-Security-Policy violation."""


def chromium_executable() -> str:
    """The browser to drive; fails (never skips) with how to get one."""
    configured = os.environ.get("ISHENZHEN_CHROMIUM")
    candidate = configured or shutil.which("chromium") or "/usr/bin/chromium"
    if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
        pytest.fail(
            f"no Chromium at {candidate!r}: the sign-in page tests need a real browser. Install one "
            "(Debian/Ubuntu as root: `apt-get update && apt-get install -y chromium`; `./dev test` does this "
            "itself when it can) or point ISHENZHEN_CHROMIUM at a Chromium/Chrome executable.",
            pytrace=False,
        )
    return candidate


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(slots=True)
class LiveServer:
    issuer: str
    keys: KeySet


@pytest.fixture(scope="module")
async def browser_database_url(pg_admin_url: str, template_database: str) -> AsyncIterator[str]:
    """One migrated database for this module's server (one server start, catalogue import included)."""
    async with cloned_database(pg_admin_url, template_database, "test_browser") as url:
        yield url


@pytest.fixture(scope="module")
def live_server(browser_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``ishenzhen serve`` (development: seeds the demo accounts) on a free loopback port."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ISHENZHEN_", "DATABASE_URL"))}
    env |= {"DATABASE_URL": browser_database_url, "ISHENZHEN_LOG_LEVEL": "warning"}
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ishenzhen",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"serve exited early:\n{log_path.read_text()}"
            try:
                if httpx.get(f"{issuer}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"serve not ready within 60 s:\n{log_path.read_text()}"
            time.sleep(0.1)  # polling readiness with a deadline
        keys = KeySet.import_key_set(httpx.get(f"{issuer}/oauth/jwks", timeout=5).json())
        yield LiveServer(issuer, keys)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_executable()
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@dataclass(slots=True)
class Tab:
    page: Page
    requests: list[str]
    csp_violations: list[str]


@pytest.fixture
async def tab(browser: Browser) -> AsyncIterator[Tab]:
    """A fresh browser profile (no cookies) per test, zh-CN like most citizens; watches requests and CSP."""
    context = await browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = await context.new_page()
        watched = Tab(page, [], [])

        def on_request(request: BrowserRequest) -> None:
            watched.requests.append(request.url)

        def on_console(message: object) -> None:
            text = getattr(message, "text", "")
            if "Content Security Policy" in text:
                watched.csp_violations.append(text)

        page.on("request", on_request)
        page.on("console", on_console)
        yield watched
    finally:
        await context.close()


async def redirected_to(tab: Tab, prefix: str, deadline_s: float = TIMEOUT_MS / 1000) -> str:
    """The URL of the browser's request to ``prefix`` (the client's redirect URI) after a form post."""
    deadline = time.monotonic() + deadline_s
    while True:
        for url in tab.requests:
            if url.startswith(prefix):
                return url
        if tab.csp_violations:
            raise FormActionBlocked(f"the browser did not follow the redirect: {tab.csp_violations[0]}")
        assert time.monotonic() < deadline, f"no request to {prefix} within {deadline_s} s: {tab.requests}"
        await asyncio.sleep(0.05)  # polling the browser's events with a deadline


class _Callback(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        body = b"<!DOCTYPE html><title>app</title><p>signed in</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[ThreadingHTTPServer]:
    """The mobile app's loopback redirect listener (RFC 8252 §7.3): records what the browser brings back."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Callback)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def app_client(issuer: str, redirect_uri: str, scope: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=APP_CLIENT_ID,
        token_endpoint_auth_method="none",
        redirect_uri=redirect_uri,
        scope=scope,
        code_challenge_method="S256",
        base_url=issuer,
        timeout=10,
    )


async def sign_in(page: Page, mobile: str, password: str = DEMO_PASSWORD) -> None:
    """Fill the password form (the first form; the second one is the SMS code form) and submit it."""
    form = page.locator("form").filter(has=page.locator("input[name=action][value=password]"))
    await form.locator("input[name=mobile]").fill(mobile)
    await form.locator("input[name=password]").fill(password)
    await form.get_by_role("button", name=re.compile("登录")).click()


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def test_mobile_app_signs_in_with_code_and_pkce(
    live_server: LiveServer, tab: Tab, loopback: ThreadingHTTPServer, tmp_path: Path
) -> None:
    page = tab.page
    issuer = live_server.issuer
    redirect_uri = f"http://127.0.0.1:{loopback.server_address[1]}/callback"
    verifier, nonce = generate_token(48), generate_token(24)
    async with app_client(issuer, redirect_uri, "openid profile phone") as oauth:
        url, state = oauth.create_authorization_url(
            f"{issuer}/oauth/authorize", code_verifier=verifier, nonce=nonce
        )
        response = await page.goto(url)
        assert response is not None and response.status == 200
        assert await page.title() == "i深圳 登录 Sign in"
        await page.get_by_text("i深圳 App 请求访问您的账户").wait_for()
        shot = tmp_path / "sign-in.png"
        await page.screenshot(path=shot, full_page=True)
        assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and shot.stat().st_size > 1000

        await sign_in(page, L2)
        landed = await redirected_to(tab, f"{redirect_uri}?")
        await page.wait_for_url(landed)
        await page.get_by_text("signed in").wait_for()
        answer = query_of(landed)
        assert answer["state"] == state and answer["code"]
        callbacks = [hit for hit in loopback.hits if hit.startswith("/callback")]  # type: ignore[attr-defined]
        assert [query_of(hit) for hit in callbacks] == [answer]

        token = await oauth.fetch_token(
            f"{issuer}/oauth/token", authorization_response=landed, code_verifier=verifier
        )
    id_token = jwt.decode(token["id_token"], live_server.keys, algorithms=["ES256"]).claims
    access = jwt.decode(token["access_token"], live_server.keys, algorithms=["ES256"]).claims
    audience = (
        id_token["aud"] if isinstance(id_token["aud"], list) else [id_token["aud"]]
    )  # OIDC: either form
    assert id_token["nonce"] == nonce and id_token["iss"] == issuer and APP_CLIENT_ID in audience
    assert access["acr"] == "L2" and access["client_id"] == APP_CLIENT_ID and "party" not in access


async def test_legal_representative_acts_for_the_enterprise(
    live_server: LiveServer, tab: Tab, loopback: ThreadingHTTPServer
) -> None:
    page = tab.page
    issuer = live_server.issuer
    redirect_uri = f"http://127.0.0.1:{loopback.server_address[1]}/callback"
    verifier = generate_token(48)
    credit_code, enterprise = DEMO_ENTERPRISE
    async with app_client(issuer, redirect_uri, "openid enterprise") as oauth:
        url, state = oauth.create_authorization_url(f"{issuer}/oauth/authorize", code_verifier=verifier)
        await page.goto(url)
        await sign_in(page, L3)

        await page.get_by_role("heading", name=re.compile("选择办事身份")).wait_for()
        assert await page.get_by_role("radio", name=re.compile("本人")).is_checked()
        choice = page.get_by_role("radio", name=re.compile(enterprise))
        await choice.check()
        assert await choice.get_attribute("value") == credit_code
        await page.get_by_role("button", name=re.compile("继续")).click()

        landed = await redirected_to(tab, f"{redirect_uri}?")
        assert query_of(landed)["state"] == state
        token = await oauth.fetch_token(
            f"{issuer}/oauth/token", authorization_response=landed, code_verifier=verifier
        )
    access = jwt.decode(token["access_token"], live_server.keys, algorithms=["ES256"]).claims
    assert access["acr"] == "L3" and access["party"] == {"type": "enterprise", "id": credit_code}


async def test_wrong_password_shows_the_error_on_the_page(
    live_server: LiveServer, tab: Tab, loopback: ThreadingHTTPServer
) -> None:
    page = tab.page
    redirect_uri = f"http://127.0.0.1:{loopback.server_address[1]}/callback"
    async with app_client(live_server.issuer, redirect_uri, "openid") as oauth:
        url, _state = oauth.create_authorization_url(
            f"{live_server.issuer}/oauth/authorize", code_verifier=generate_token(48)
        )
    await page.goto(url)
    await sign_in(page, L1, "not-the-password")

    alert = page.get_by_role("alert")
    await alert.wait_for()
    assert "手机号码或密码/验证码不正确。" in await alert.inner_text()
    assert await page.title() == "i深圳 登录 Sign in"
    # The form comes back ready for another try: the number kept, the password not.
    form = page.locator("form").filter(has=page.locator("input[name=action][value=password]"))
    assert await form.locator("input[name=mobile]").input_value() == L1
    assert await form.locator("input[name=password]").input_value() == ""
    assert not [url for url in tab.requests if url.startswith(redirect_uri)] and tab.csp_violations == []


async def test_third_party_consent_page_lists_the_scopes_and_deny_returns_access_denied(
    live_server: LiveServer, tab: Tab
) -> None:
    page = tab.page
    issuer = live_server.issuer
    redirect_uri = "http://127.0.0.1/metro/callback"  # registered without a port: captured, not served
    async with AsyncOAuth2Client(
        client_id=THIRD_PARTY_CLIENT_ID,
        client_secret=THIRD_PARTY_SECRET,
        redirect_uri=redirect_uri,
        scope="openid profile phone",
    ) as oauth:
        url, state = oauth.create_authorization_url(f"{issuer}/oauth/authorize", nonce=generate_token(24))
    await page.goto(url)
    await sign_in(page, L2)

    await page.get_by_role("heading", name=re.compile("授权确认")).wait_for()
    assert "深圳通乘车码（示例）" in await page.locator("strong").inner_text()
    assert await page.locator("li code").all_inner_texts() == ["openid", "phone", "profile"]

    await page.get_by_role("button", name=re.compile("拒绝")).click()
    answer = query_of(await redirected_to(tab, f"{redirect_uri}?"))
    assert answer["error"] == "access_denied" and answer["state"] == state and "code" not in answer
