"""HTTP details a client notices: one charset, a true Allow on OPTIONS, HEAD wherever GET works, clear
messages for an empty body."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.test_errors import assert_problem

Client = AsyncTestClient[Litestar]


async def test_sign_in_pages_name_their_charset_once(client: Client) -> None:
    response = await client.get("/oauth/authorize?client_id=nobody&response_type=code")
    assert response.headers["content-type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/v1/registry/items", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("/v1/registry/items/200410001000440300/draft", {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}),
        ("/v1/enterprises/91440300MA5FDEMQ01/agents", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("/oauth/authorize", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("/oauth/end-session", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("/health/live", {"GET", "HEAD", "OPTIONS"}),
    ],
)
async def test_options_lists_every_method_of_the_path(client: Client, path: str, methods: set[str]) -> None:
    response = await client.options(path)
    assert response.status_code == 204
    assert {method.strip() for method in response.headers["allow"].split(",")} == methods


@pytest.mark.parametrize("path", ["/.well-known/openid-configuration", "/health/live", "/v1/catalog/themes"])
async def test_head_answers_like_get_without_a_body(client: Client, path: str) -> None:
    got = await client.get(path)
    head = await client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


async def test_an_empty_body_where_one_is_required_says_so(client: Client) -> None:
    response = await client.post(
        "/test/applicants", content=b"", headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 400, "bad-request")
    assert body["detail"] == "a request body is required"
    assert "'data'" not in response.text
    assert body["errors"] == [{"location": "body", "name": "", "reason": "a request body is required"}]
