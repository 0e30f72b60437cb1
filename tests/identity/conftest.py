"""Identity fixtures: the app on https://testserver.local (the issuer), authlib's httpx client driving it."""

from __future__ import annotations

import re
import warnings
from collections.abc import AsyncIterator, Callable
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.common.security import generate_token

with warnings.catch_warnings():
    # authlib 1.9 prefers the httpx2 fork and warns when it falls back to httpx, which litestar's test
    # transport speaks; the fallback is the supported path for our pinned httpx 0.28.
    warnings.filterwarnings("ignore", "The httpx module is deprecated", DeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.seed import APP_CLIENT_ID, DEMO_PASSWORD
from ishenzhen.settings import Settings, load_settings
from tests.probe_routes import PROBE_ROUTES

ISSUER = "https://testserver.local"
LOOPBACK = "http://127.0.0.1:53117/callback"
L1, L2, L3 = "13800000001", "13800000002", "13800000003"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(
        {},
        database_url=database_url,
        log_format="json",
        log_level="warning",
        identity_issuer=ISSUER,
        identity_key_refresh_seconds=0,
    )


@pytest.fixture
def app(settings: Settings) -> Litestar:
    from ishenzhen.app import create_app

    return create_app(settings, extra_route_handlers=PROBE_ROUTES)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url=ISSUER) as test_client:
        test_client.follow_redirects = False
        yield test_client


@pytest.fixture
def oauth_client(client: AsyncTestClient[Litestar]) -> Callable[..., AsyncOAuth2Client]:
    """authlib's own httpx client, talking to the in-process app through the test client's transport."""

    def make(client_id: str = APP_CLIENT_ID, **kwargs: object) -> AsyncOAuth2Client:
        kwargs.setdefault("token_endpoint_auth_method", "none")
        kwargs.setdefault("redirect_uri", LOOPBACK)
        kwargs.setdefault("code_challenge_method", "S256")
        kwargs.setdefault("scope", "openid profile phone offline_access")
        return AsyncOAuth2Client(client_id=client_id, transport=client._transport, base_url=ISSUER, **kwargs)

    return make


def hidden_fields(page: str) -> dict[str, str]:
    return {
        name: unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', page)
    }


async def sign_in(
    client: AsyncTestClient[Litestar],
    authorize_url: str,
    mobile: str = L1,
    password: str = DEMO_PASSWORD,
    party: str | None = None,
    consent: str = "allow",
) -> str:
    """Play the browser: open the sign-in page, post the password, pick a party, answer the consent page
    (third-party clients); return the redirect."""
    page = await client.get(authorize_url)
    if page.status_code == 302:
        return page.headers["location"]
    assert page.status_code == 200, page.text
    form = {**hidden_fields(page.text), "action": "password", "mobile": mobile, "password": password}
    answer = await client.post("/oauth/authorize", data=form)
    if answer.status_code == 200 and "name=action value=party" in answer.text:
        form = {**hidden_fields(answer.text), "action": "party", "party": party or "self"}
        answer = await client.post("/oauth/authorize", data=form)
    if answer.status_code == 200 and "name=action value=consent" in answer.text:
        form = {**hidden_fields(answer.text), "action": "consent", "decision": consent}
        answer = await client.post("/oauth/authorize", data=form)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def app_tokens(
    client: AsyncTestClient[Litestar],
    oauth_client: Callable[..., AsyncOAuth2Client],
    mobile: str = L1,
    scope: str = "openid profile phone offline_access",
    party: str | None = None,
    **authorize: str,
) -> dict[str, object]:
    """The whole code + PKCE flow of the mobile app; returns authlib's token dict."""
    oc = oauth_client(scope=scope)
    verifier = generate_token(48)
    url, _state = oc.create_authorization_url(
        f"{ISSUER}/oauth/authorize", code_verifier=verifier, **authorize
    )
    location = await sign_in(client, url, mobile, party=party)
    return await oc.fetch_token(
        f"{ISSUER}/oauth/token", authorization_response=location, code_verifier=verifier
    )
