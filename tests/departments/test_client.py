"""The department client against the simulators as real processes: every outcome a department can cause."""

from __future__ import annotations

import httpx
import msgspec
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ishenzhen.departments import DepartmentClient, DepartmentDirectory, OutboundRequest
from ishenzhen.departments.signing import RequestSigner
from tests.departments.factories import new_number, submission, submission_body
from tests.simulators_fixture import Simulators


async def _deliver(directory: DepartmentDirectory, *requests: OutboundRequest) -> list:  # type: ignore[type-arg]
    client = DepartmentClient(directory)
    try:
        return [await client.deliver(request) for request in requests]
    finally:
        await client.aclose()


async def test_a_submission_is_delivered_and_the_department_gives_its_receipt(simulators: Simulators) -> None:
    [result] = await _deliver(simulators.directory(), submission("education"))
    assert result.outcome == "delivered" and result.status == 202 and result.error_source is None
    answer = msgspec.json.decode(result.body)
    assert answer["status"] == "delivered" and answer["receipt_number"].startswith("GEN")


async def test_the_same_number_again_gets_the_same_answer_and_no_second_case(simulators: Simulators) -> None:
    request = submission("education")
    first, again = await _deliver(simulators.directory(), request, request)
    assert first.outcome == again.outcome == "delivered"
    assert again.body == first.body
    report = await simulators.report("education")
    assert report["counters"]["received"] == 1 and report["counters"]["duplicates"] == 1
    assert list(report["cases"]) == [request.application_number]


async def test_the_same_number_with_another_body_is_refused_for_good(simulators: Simulators) -> None:
    number = new_number()
    first = submission("education", number=number)
    changed = msgspec.structs.replace(
        first, body=submission_body(number, "education", id_number="440303199001010011")
    )
    _, refused = await _deliver(simulators.directory(), first, changed)
    assert refused.outcome == "dead" and refused.status == 422 and refused.error_source == "department"


async def test_a_department_without_a_system_is_a_clear_outcome(simulators: Simulators) -> None:
    [result] = await _deliver(simulators.directory(), submission("no-such-department"))
    assert result.outcome == "no_system" and result.status is None and "no system" in result.detail


async def test_a_request_signed_with_another_key_is_refused(simulators: Simulators) -> None:
    directory = simulators.directory()
    stranger = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    forged = DepartmentDirectory(
        [msgspec.structs.replace(entry, signing_key_pem=stranger.decode()) for entry in directory],
        allowed_origins=["http://127.0.0.1"],
    )
    [result] = await _deliver(forged, submission("education"))
    assert result.outcome == "dead" and result.status == 401 and result.error_source == "department"
    report = await simulators.report("education")
    assert report["counters"]["refused"] == 1 and report["cases"] == {}


async def test_a_replayed_signed_request_is_refused(simulators: Simulators) -> None:
    directory = simulators.directory()
    entry = directory.get("education")
    assert entry is not None and entry.base_url is not None and entry.signing_key_id is not None
    key = directory.signing_key("education")
    assert key is not None
    number = new_number()
    body = submission_body(number, "education")
    request = httpx.Request(
        "POST",
        f"{entry.base_url}/applications",
        content=body,
        headers={
            "content-type": "application/json",
            "date": "Thu, 03 Dec 2026 10:00:00 GMT",
            "ishenzhen-application-number": number,
            "ishenzhen-user": "u",
            "ishenzhen-party": "self",
            "idempotency-key": number,
        },
    )
    RequestSigner(entry.signing_key_id, key).sign(request, body)
    async with httpx.AsyncClient(trust_env=False) as http:
        first = await http.send(request)
        replay = await http.send(request)
    assert first.status_code == 202
    assert replay.status_code == 401 and "replay" in replay.json()["detail"]
    report = await simulators.report("education")
    assert report["counters"]["replays"] == 1 and report["counters"]["received"] == 1


async def test_a_body_changed_after_signing_is_refused(simulators: Simulators) -> None:
    directory = simulators.directory()
    entry = directory.get("education")
    key = directory.signing_key("education")
    assert entry is not None and entry.base_url and entry.signing_key_id and key
    number = new_number()
    body = submission_body(number, "education")
    request = httpx.Request(
        "POST",
        f"{entry.base_url}/applications",
        content=body,
        headers={
            "content-type": "application/json",
            "date": "Thu, 03 Dec 2026 10:00:00 GMT",
            "ishenzhen-application-number": number,
            "ishenzhen-user": "u",
            "ishenzhen-party": "self",
        },
    )
    RequestSigner(entry.signing_key_id, key).sign(request, body)
    tampered = httpx.Request("POST", request.url, content=body.replace(b"L2", b"L3"), headers=request.headers)
    async with httpx.AsyncClient(trust_env=False) as http:
        answer = await http.send(tampered)
    assert answer.status_code == 401 and "signature" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("knobs", "overrides", "outcome", "source", "words"),
    [
        ({"down": True}, {}, "retry", "link", ""),
        ({"slow_seconds": 2.0}, {"read_timeout": 0.3, "total_timeout": 1.0}, "retry", "link", "timed out"),
        ({"garbage": True}, {}, "retry", "department", "not JSON"),
        ({"oversize_bytes": 300_000}, {"max_response_bytes": 65_536}, "retry", "department", "larger than"),
        ({"redirect_to": "http://127.0.0.1:9/elsewhere"}, {}, "dead", "department", "not followed"),
        ({"bad_response_signature": True}, {}, "retry", "department", "signature rejected"),
        ({"error_rate": 1.0, "error_status": 503}, {}, "retry", "department", "503"),
        ({"error_rate": 1.0, "error_status": 502}, {}, "retry", "link", "502"),
        ({"error_rate": 1.0, "error_status": 400}, {}, "dead", "department", "refused (400)"),
    ],
    ids=["down", "slow", "garbage", "oversize", "redirect", "bad-signature", "503", "502", "400"],
)
async def test_a_misbehaving_department_gives_the_right_outcome(
    simulators: Simulators,
    knobs: dict,
    overrides: dict,
    outcome: str,
    source: str,
    words: str,  # type: ignore[type-arg]
) -> None:
    await simulators.knobs("education", **knobs)
    [result] = await _deliver(simulators.directory(**overrides), submission("education"))
    assert (result.outcome, result.error_source) == (outcome, source), result
    assert words in result.detail


async def test_retry_after_from_the_department_is_passed_on(simulators: Simulators) -> None:
    await simulators.knobs("education", error_rate=1.0, error_status=429, retry_after=7)
    [result] = await _deliver(simulators.directory(), submission("education"))
    assert result.outcome == "retry" and result.status == 429 and result.retry_after == 7.0


async def test_an_unsafe_header_value_is_refused_before_sending(simulators: Simulators) -> None:
    request = msgspec.structs.replace(submission("education"), acting_user="张伟\r\nX-Evil: 1")
    [result] = await _deliver(simulators.directory(), request)
    assert result.outcome == "dead" and result.error_source == "gateway"
    assert (await simulators.report("education"))["counters"]["requests"] == 0
