"""Input no endpoint can mean is refused once, at the edge, as a 4xx naming the problem (never a 500)."""

from __future__ import annotations

import base64
import json

from hypothesis import given
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.lib.edge import MAX_JSON_DEPTH, json_body_problem, query_problem
from tests.test_errors import assert_problem

Client = AsyncTestClient[Litestar]
JSON_HEADERS = {"content-type": "application/json"}
FORM_HEADERS = {"content-type": "application/x-www-form-urlencoded"}


def assert_oauth_invalid_request(response, mentions: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["error"] == "invalid_request"
    assert mentions in body["error_description"]


async def test_deeply_nested_json_is_400_naming_the_depth(client: Client) -> None:
    deep = b"[" * 10_000 + b"]" * 10_000
    for path in ("/test/applicants", "/v1/app/items/100110001000440300/form/validate", "/v1/registry/items"):
        response = await client.post(path, content=deep, headers=JSON_HEADERS)
        body = assert_problem(response, 400, "bad-request")
        assert f"deeper than {MAX_JSON_DEPTH}" in body["detail"]
        assert body["errors"] == [{"location": "body", "name": "", "reason": body["detail"]}]


async def test_json_nested_within_the_limit_reaches_the_handler(client: Client) -> None:
    nested: object = "x"
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = [nested]
    response = await client.post("/test/applicants", json={"name": "张三", "age": 30, "extra": nested})
    assert response.status_code == 201, response.text


async def test_brackets_inside_strings_do_not_count_as_nesting(client: Client) -> None:
    response = await client.post(
        "/test/applicants", json={"name": "张三", "age": 30, "extra": "[" * 100 + "{" * 100 + '"\\'}
    )
    assert response.status_code == 201, response.text


async def test_invalid_utf8_in_a_json_string_is_400_naming_the_encoding(client: Client) -> None:
    response = await client.post(
        "/test/applicants", content=b'{"name": "\xe5\xbc\xa0\xff", "age": 1}', headers=JSON_HEADERS
    )
    body = assert_problem(response, 400, "bad-request")
    assert "UTF-8" in body["detail"] and "byte 13" in body["detail"]


async def test_nul_escape_in_a_json_string_is_400(client: Client) -> None:
    response = await client.post("/test/applicants", json={"name": "a\u0000b", "age": 1})
    body = assert_problem(response, 400, "bad-request")
    assert "NUL" in body["detail"]


async def test_an_escaped_backslash_before_u0000_is_plain_text(client: Client) -> None:
    response = await client.post("/test/applicants", json={"name": "C:\\u0000", "age": 1})
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "C:\\u0000"


async def test_nul_in_a_query_parameter_is_400_naming_it(client: Client) -> None:
    body = assert_problem(await client.get("/v1/catalog/search?q=a%00b"), 400, "bad-request")
    assert body["errors"] == [
        {"location": "query", "name": "q", "reason": "holds the control character U+0000"}
    ]
    assert "'q'" in body["detail"]


async def test_invalid_utf8_in_a_query_parameter_is_400(client: Client) -> None:
    body = assert_problem(await client.get("/v1/catalog/search?q=%E5%BC%FF"), 400, "bad-request")
    assert body["errors"][0]["name"] == "q" and "UTF-8" in body["errors"][0]["reason"]


async def test_control_character_in_the_path_is_400(client: Client) -> None:
    body = assert_problem(await client.get("/v1/catalog/items/1001%0010"), 400, "bad-request")
    assert body["errors"][0]["location"] == "path"


async def test_nul_in_authorize_client_id_is_a_400_page_naming_it(client: Client) -> None:
    # The authorization endpoint is a browser page: the citizen reads the refusal (never a redirect).
    response = await client.get("/oauth/authorize?client_id=a%00b&response_type=code")
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert "client_id" in response.text and "U+0000" in response.text


async def test_nul_in_token_form_field_is_rfc6749_invalid_request(client: Client) -> None:
    response = await client.post(
        "/oauth/token", content=b"grant_type=client_credentials&client_id=a%00b", headers=FORM_HEADERS
    )
    assert_oauth_invalid_request(response, "client_id")


async def test_nul_in_basic_credentials_is_rfc6749_invalid_request(client: Client) -> None:
    credentials = base64.b64encode(b"a\x00b:secret").decode()
    response = await client.post(
        "/oauth/token",
        content=b"grant_type=client_credentials",
        headers={**FORM_HEADERS, "authorization": f"Basic {credentials}"},
    )
    assert_oauth_invalid_request(response, "Basic credentials")


async def test_form_values_may_hold_line_breaks_but_not_other_controls(client: Client) -> None:
    refused = await client.post("/oauth/revoke", content=b"token=a%01b", headers=FORM_HEADERS)
    assert_oauth_invalid_request(refused, "'token'")
    allowed = await client.post("/oauth/revoke", content=b"token=a%0Ab", headers=FORM_HEADERS)
    assert "control character" not in allowed.text


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    return 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab,:'),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=60,
)


@given(value=json_values, limit=st.integers(min_value=1, max_value=8))
def test_depth_check_agrees_with_the_real_nesting_depth(value: object, limit: int) -> None:
    body = json.dumps(value).encode()
    problem = json_body_problem(body, max_depth=limit) or ""
    assert ("deeper than" in problem) == (_depth(value) > limit)


@given(text=st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_query_check_accepts_any_clean_text_and_names_the_first_bad_parameter(text: str) -> None:
    from urllib.parse import urlencode

    query = urlencode({"ok": "好", "q": text}).encode()
    has_control = any(ord(char) < 0x20 or ord(char) == 0x7F for char in text)
    problem = query_problem(query)
    assert (problem is not None) == has_control
    if problem is not None:
        assert problem[0] == "q"


def _part_by_part(query: bytes) -> bool:
    from urllib.parse import unquote_to_bytes

    for pair in query.split(b"&"):
        for part in pair.partition(b"=")[::2]:
            raw = unquote_to_bytes(part.replace(b"+", b" "))
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return True
            if any(byte < 0x20 or byte == 0x7F for byte in raw):
                return True
    return False


escapes = st.sampled_from(["%E5", "%85", "%A5", "%E5%A5%BD", "%00", "%7F", "%26", "%3D", "%C3", "%FF", "%2B"])


@given(parts=st.lists(escapes | st.sampled_from(["&", "=", "+", "a", "q", "好"]), max_size=12))
def test_query_check_finds_a_fault_exactly_when_some_part_has_one(parts: list[str]) -> None:
    # The check decodes the whole query at once; it must agree with reading every name and value alone.
    query = "".join(parts).encode()
    assert (query_problem(query) is not None) == _part_by_part(query)
