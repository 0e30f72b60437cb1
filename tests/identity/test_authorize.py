"""The authorization endpoint: error pages, PKCE at the door, prompt and max_age, login, abuse controls."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.seed import APP_CLIENT_ID, DEMO_PASSWORD
from tests.identity.conftest import ISSUER, L1, L2, LOOPBACK, hidden_fields, query_of, sign_in

CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # S256 of RFC 7636's example verifier
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"


def authorize_url(**overrides: str | None) -> str:
    params: dict[str, str | None] = {
        "response_type": "code",
        "client_id": APP_CLIENT_ID,
        "redirect_uri": LOOPBACK,
        "scope": "openid profile",
        "state": "st-1",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return "/oauth/authorize?" + urlencode({k: v for k, v in params.items() if v is not None})


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_id": "no-such-client"},
        {"client_id": None},
        {"redirect_uri": "https://evil.example/cb"},
        {"redirect_uri": LOOPBACK + "/"},
        {"redirect_uri": LOOPBACK + "#x"},
        {"redirect_uri": None},
        {"redirect_uri": "http://localhost:53117/callback"},
    ],
)
async def test_unknown_client_or_unregistered_redirect_gets_an_error_page_never_a_redirect(
    client: AsyncTestClient[Litestar], overrides: dict[str, str | None]
) -> None:
    page = await client.get(authorize_url(**overrides))
    assert page.status_code == 400
    assert "location" not in page.headers
    assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        (
            {"code_challenge": None, "code_challenge_method": None},
            "invalid_request",
        ),  # public client without PKCE
        ({"code_challenge_method": "plain", "code_challenge": VERIFIER}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),  # missing method is not "plain"
        ({"code_challenge": "short"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),  # no implicit grant
        ({"prompt": "none"}, "login_required"),
    ],
)
async def test_refusals_go_back_to_the_registered_redirect_with_state(
    client: AsyncTestClient[Litestar], overrides: dict[str, str | None], error: str
) -> None:
    answer = await client.get(authorize_url(**overrides))
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(LOOPBACK + "?")
    assert query_of(location)["error"] == error
    assert query_of(location)["state"] == "st-1"
    assert "code" not in query_of(location)


async def test_a_session_skips_the_login_page_unless_prompt_login_or_max_age(
    client: AsyncTestClient[Litestar],
) -> None:
    first = await sign_in(client, authorize_url())
    assert "code" in query_of(first)
    again = await client.get(authorize_url(prompt="none"))
    assert again.status_code == 302 and "code" in query_of(again.headers["location"])
    assert (await client.get(authorize_url(prompt="login"))).status_code == 200  # the login page again
    assert (await client.get(authorize_url(max_age="0"))).status_code in (200, 302)
    aged = await client.get(authorize_url(max_age="3600"))
    assert aged.status_code == 302
    await client.get("/oauth/end-session")
    signed_out = await client.get(authorize_url(prompt="none"))
    assert query_of(signed_out.headers["location"])["error"] == "login_required"


async def test_max_age_forces_re_authentication(
    client: AsyncTestClient[Litestar], db_pool: asyncpg.Pool
) -> None:
    await sign_in(client, authorize_url())
    await db_pool.execute("UPDATE identity_sessions SET auth_time = now() - interval '2 hours'")
    page = await client.get(authorize_url(max_age="60"))
    assert page.status_code == 200 and "password" in page.text
    assert query_of((await client.get(authorize_url(max_age="60", prompt="none"))).headers["location"])[
        "error"
    ] == ("login_required")


async def login_attempt(client: AsyncTestClient[Litestar], mobile: str, password: str) -> object:
    page = await client.get(authorize_url(prompt="login"))
    form = {**hidden_fields(page.text), "action": "password", "mobile": mobile, "password": password}
    return await client.post("/oauth/authorize", data=form)


async def test_wrong_password_and_unknown_account_look_the_same(client: AsyncTestClient[Litestar]) -> None:
    wrong = await login_attempt(client, L1, "not-the-password")
    unknown = await login_attempt(client, "13912345678", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401  # type: ignore[attr-defined]
    strip = lambda text: re.sub(r'value="[^"]*"', "", text)  # noqa: E731
    assert strip(wrong.text) == strip(unknown.text).replace("13912345678", L1)  # type: ignore[attr-defined]


async def test_repeated_failures_lock_the_number_from_that_address_for_a_while_and_are_audited(
    client: AsyncTestClient[Litestar], db_pool: asyncpg.Pool
) -> None:
    for _ in range(5):
        assert (await login_attempt(client, L2, "wrong")).status_code == 401  # type: ignore[attr-defined]
    locked = await login_attempt(client, L2, DEMO_PASSWORD)
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert 0 < int(locked.headers["retry-after"]) <= 900  # type: ignore[attr-defined]
    events = [r["event"] for r in await db_pool.fetch("SELECT event FROM identity_audit ORDER BY id")]
    assert events.count("login.failed") == 5 and events.count("login.pair_locked") == 1
    # An unknown number locks the same way: nothing tells the two apart.
    for _ in range(5):
        await login_attempt(client, "13912345670", "wrong")
    assert (await login_attempt(client, "13912345670", "wrong")).status_code == 429  # type: ignore[attr-defined]


async def test_login_attempts_are_rate_limited_per_address(client: AsyncTestClient[Litestar]) -> None:
    statuses = [(await login_attempt(client, f"139000001{i:02d}", "wrong")).status_code for i in range(31)]  # type: ignore[attr-defined]
    assert statuses[:30] == [401] * 30 and statuses[30] == 429


async def test_sms_code_login_through_the_development_outbox(
    client: AsyncTestClient[Litestar], db_pool: asyncpg.Pool
) -> None:
    page = await client.get(authorize_url())
    fields = hidden_fields(page.text)
    sent = await client.post("/oauth/authorize", data={**fields, "action": "send_sms", "mobile": L1})
    assert sent.status_code == 200, sent.text
    again = await client.post(
        "/oauth/authorize", data={**hidden_fields(sent.text), "action": "send_sms", "mobile": L1}
    )
    assert again.status_code == 429 and int(again.headers["retry-after"]) > 0
    unknown = await client.post(
        "/oauth/authorize", data={**hidden_fields(again.text), "action": "send_sms", "mobile": "13912340000"}
    )
    assert unknown.status_code == 200  # same answer as for a registered number
    message = await db_pool.fetchval("SELECT message FROM identity_sms_outbox WHERE mobile = $1", L1)
    code = re.search(r"\d{6}", message)[0]  # type: ignore[index]
    assert await db_pool.fetchval("SELECT count(*) FROM identity_sms_outbox") == 1
    wrong = await client.post(
        "/oauth/authorize",
        data={
            **hidden_fields(unknown.text),
            "action": "sms",
            "mobile": L1,
            "sms_code": "000000" if code != "000000" else "111111",
        },
    )
    assert wrong.status_code == 401
    ok = await client.post(
        "/oauth/authorize",
        data={**hidden_fields(wrong.text), "action": "sms", "mobile": L1, "sms_code": code},
    )
    assert ok.status_code == 302 and "code" in query_of(ok.headers["location"])
    reused = await login_attempt(client, L1, "x")
    assert reused.status_code == 401  # type: ignore[attr-defined]


async def test_the_form_needs_its_csrf_cookie(client: AsyncTestClient[Litestar]) -> None:
    page = await client.get(authorize_url())
    fields = {**hidden_fields(page.text), "action": "password", "mobile": L1, "password": DEMO_PASSWORD}
    client.cookies.clear()
    assert (await client.post("/oauth/authorize", data=fields)).status_code == 400


async def test_bad_mobile_numbers_are_a_clear_error(client: AsyncTestClient[Litestar]) -> None:
    page = await client.get(authorize_url())
    answer = await client.post(
        "/oauth/authorize",
        data={**hidden_fields(page.text), "action": "password", "mobile": "12345", "password": "x"},
    )
    assert answer.status_code == 400 and "mobile" in answer.text.lower()


async def test_the_page_is_bilingual_and_not_frameable(client: AsyncTestClient[Litestar]) -> None:
    page = await client.get(authorize_url(login_hint=L2, state='"><script>'))
    assert "登录" in page.text and "Sign in" in page.text
    assert f'value="{L2}"' in page.text and "<script>" not in page.text
    assert page.headers["x-frame-options"] == "DENY" and "no-store" in page.headers["cache-control"]
    assert ISSUER
