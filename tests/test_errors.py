"""Every error is RFC 9457 problem+json naming what is wrong, with the request id; never a 500 for bad input."""

from __future__ import annotations

import json

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.errors import PROBLEM_MEDIA_TYPE, problem_type

Client = AsyncTestClient[Litestar]


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    body = response.json()
    assert body["type"] == problem_type(slug)
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


async def test_unknown_path_is_404_problem(client: Client) -> None:
    body = assert_problem(await client.get("/v1/nowhere"), 404, "not-found")
    assert body["instance"] == "/v1/nowhere"


async def test_unsupported_method_is_405_with_allow_header(client: Client) -> None:
    response = await client.delete("/health/live")
    body = assert_problem(response, 405, "method-not-allowed")
    assert "DELETE" in body["detail"]
    assert "GET" in response.headers["allow"]


async def test_malformed_json_is_400_naming_the_body(client: Client) -> None:
    response = await client.post(
        "/test/applicants",
        content='{"name": "张三", "age": '.encode(),
        headers={"content-type": "application/json"},
    )
    body = assert_problem(response, 400, "bad-request")
    assert body["errors"][0]["location"] == "body"
    assert "JSON" in body["detail"]


async def test_wrong_field_type_is_422_naming_the_field(client: Client) -> None:
    response = await client.post("/test/applicants", json={"name": "张三", "age": "很老"})
    body = assert_problem(response, 422, "invalid-input")
    assert "age" in body["detail"]
    assert body["errors"][0]["location"] == "body"


async def test_out_of_range_field_is_422(client: Client) -> None:
    body = assert_problem(
        await client.post("/test/applicants", json={"name": "", "age": 30}), 422, "invalid-input"
    )
    assert "name" in body["detail"]


async def test_wrong_content_type_is_415(client: Client) -> None:
    response = await client.post(
        "/test/applicants",
        content=b"name=x&age=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    body = assert_problem(response, 415, "unsupported-media-type")
    assert "content-type" in body["detail"]


async def test_json_suffix_media_type_is_accepted(client: Client) -> None:
    payload = json.dumps({"name": "李四", "age": 40}).encode()
    response = await client.post(
        "/test/applicants", content=payload, headers={"content-type": "application/merge-patch+json"}
    )
    assert response.status_code == 201
    assert response.json() == {"name": "李四", "age": 40}


async def test_oversized_body_is_413(client: Client, settings) -> None:
    blob = b'{"name": "' + b"x" * (settings.http.max_body_bytes + 10) + b'", "age": 1}'
    response = await client.post(
        "/test/applicants", content=blob, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "body-too-large")


@pytest.mark.parametrize("value", ["ten", "0", "101", "1.5"])
async def test_bad_query_parameter_is_400_naming_it(client: Client, value: str) -> None:
    body = assert_problem(await client.get("/test/count", params={"limit": value}), 400, "bad-request")
    assert body["errors"][0] == {"location": "query", "name": "limit", "reason": body["errors"][0]["reason"]}
    assert "limit" in body["detail"]


async def test_unexpected_exception_is_500_without_internals(capsys, client: Client) -> None:
    response = await client.get("/test/crash", headers={"X-Request-ID": "trace-me-42"})
    body = assert_problem(response, 500, "internal-error")
    assert body["request_id"] == "trace-me-42"
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    logged = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    crash = next(event for event in logged if event["event"] == "request.unhandled_exception")
    assert crash["request_id"] == "trace-me-42"
    traceback_text = json.dumps(crash["exception"], ensure_ascii=False)
    assert "RuntimeError" in traceback_text and "crash" in traceback_text
    assert "13800138000" not in traceback_text and "138****8000" in traceback_text


async def test_request_id_is_taken_from_the_client_or_generated(client: Client) -> None:
    given = await client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    generated = await client.get("/health/live")
    assert len(generated.headers["x-request-id"]) == 32
    unsafe = await client.get("/health/live", headers={"X-Request-ID": "evil\tid; drop"})
    assert unsafe.headers["x-request-id"] != "evil\tid; drop"


async def test_a_bad_header_is_named_as_the_client_sends_it(client: Client) -> None:
    response = await client.get("/v1/app/home", headers={"Accept-Language": "zh-CN," * 100})
    body = assert_problem(response, 400, "bad-request")
    assert body["errors"][0]["location"] == "header"
    assert body["errors"][0]["name"].lower() == "accept-language", body
    assert "accept_language" not in response.text
