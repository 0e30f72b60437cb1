"""What a client may ask for: only the scopes it is registered for (RFC 6749 §3.3), no request objects
(OpenID Connect Core §6), and the userinfo bearer token in the header or a form body (RFC 6750 §2.1, §2.2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError as OAuth2Error
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.seed import DEMO_DEPARTMENT_SECRET, DEPARTMENT_CLIENT_ID
from tests.identity.conftest import ISSUER, L3, LOOPBACK, AsyncOAuth2Client, app_tokens, query_of

TOKEN_URL = f"{ISSUER}/oauth/token"
USERINFO_URL = f"{ISSUER}/oauth/userinfo"
OAuthFactory = Callable[..., AsyncOAuth2Client]


async def test_a_department_asking_for_a_scope_it_is_not_registered_for_gets_invalid_scope(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    market_regulation = oauth_client(
        DEPARTMENT_CLIENT_ID,
        client_secret=DEMO_DEPARTMENT_SECRET,
        token_endpoint_auth_method="client_secret_basic",
        scope="registry:write registry:review",
    )
    with pytest.raises(OAuth2Error) as caught:
        await market_regulation.fetch_token(TOKEN_URL, grant_type="client_credentials")
    assert caught.value.error == "invalid_scope"
    answer = await client.post(
        "/oauth/token",
        auth=(DEPARTMENT_CLIENT_ID, DEMO_DEPARTMENT_SECRET),
        data={"grant_type": "client_credentials", "scope": "registry:review"},
    )
    assert answer.status_code == 400 and answer.headers["cache-control"] == "no-store"
    assert (
        answer.json()["error"] == "invalid_scope" and "registry:review" in answer.json()["error_description"]
    )
    # What it is registered for still works, with the scope said.
    granted = await client.post(
        "/oauth/token",
        auth=(DEPARTMENT_CLIENT_ID, DEMO_DEPARTMENT_SECRET),
        data={"grant_type": "client_credentials", "scope": "registry:write"},
    )
    assert granted.status_code == 200 and granted.json()["scope"] == "registry:write"


async def test_an_app_asking_for_an_unregistered_scope_is_sent_back_with_invalid_scope(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    app = oauth_client(scope="openid profile registry:review")
    url, state = app.create_authorization_url(f"{ISSUER}/oauth/authorize", code_verifier=generate_token(48))
    answer = await client.get(url)
    assert answer.status_code == 302 and answer.headers["location"].startswith(LOOPBACK)
    back = query_of(answer.headers["location"])
    assert back["error"] == "invalid_scope" and back["state"] == state
    assert "registry:review" in back["error_description"]


@pytest.mark.parametrize(
    ("parameter", "error"),
    [("request_uri", "request_uri_not_supported"), ("request", "request_not_supported")],
)
async def test_request_objects_are_refused_back_at_the_client(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory, parameter: str, error: str
) -> None:
    value = (
        "urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c"
        if parameter == "request_uri"
        else "e30.e30."
    )
    url, state = oauth_client().create_authorization_url(
        f"{ISSUER}/oauth/authorize", code_verifier=generate_token(48), **{parameter: value}
    )
    answer = await client.get(url)
    assert answer.status_code == 302, answer.text
    back = query_of(answer.headers["location"])
    assert back["error"] == error and back["state"] == state


async def test_discovery_says_request_objects_are_not_supported(client: AsyncTestClient[Litestar]) -> None:
    for path in ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"):
        metadata = (await client.get(path)).json()
        assert metadata["request_uri_parameter_supported"] is False
        assert metadata["request_parameter_supported"] is False


async def test_userinfo_takes_the_token_from_a_form_body_but_not_from_the_query(
    client: AsyncTestClient[Litestar], oauth_client: OAuthFactory
) -> None:
    token = await app_tokens(client, oauth_client, mobile=L3)
    by_header = await client.get(
        "/oauth/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert by_header.status_code == 200
    # authlib's client with the token in the body, as pyoidc sends it by default (RFC 6750 §2.2).
    in_body = oauth_client(token=token, token_placement="body")
    # authlib adds the token to the body but, with no other field, names no media type; pyoidc does, and
    # RFC 6750 §2.2 requires it, so the client says it here.
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = await in_body.post(USERINFO_URL, headers=form)
    assert answer.status_code == 200, answer.text
    assert answer.json() == by_header.json() and answer.json()["name"] == "李娜"
    in_query = oauth_client(token=token, token_placement="uri")
    for method in ("GET", "POST"):
        refused = await in_query.request(method, USERINFO_URL)
        assert refused.status_code == 401, refused.text
        assert 'error="invalid_request"' in refused.headers["www-authenticate"]
    # Two methods at once (RFC 6750 §2), several tokens in the body, or a body token on GET: refused.
    both = await client.post(
        "/oauth/userinfo",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        data={"access_token": token["access_token"]},
    )
    assert both.status_code == 401 and 'error="invalid_request"' in both.headers["www-authenticate"]
    twice = await client.post(
        "/oauth/userinfo",
        content=f"access_token={token['access_token']}&access_token={token['access_token']}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert twice.status_code == 401 and 'error="invalid_request"' in twice.headers["www-authenticate"]
    as_json = await client.post("/oauth/userinfo", json={"access_token": token["access_token"]})
    assert as_json.status_code == 401
    forged = await client.post(
        "/oauth/userinfo", data={"access_token": str(token["access_token"])[:-4] + "AAAA"}
    )
    assert forged.status_code == 401 and 'error="invalid_token"' in forged.headers["www-authenticate"]
