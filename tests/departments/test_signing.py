"""Our short signing path against the reference implementation (``http-message-signatures``), both ways."""

from __future__ import annotations

import datetime as dt
import email.utils

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, algorithms
from http_message_signatures.resolvers import MappingKeyResolver
from hypothesis import given, settings
from hypothesis import strategies as st

from ishenzhen.departments.signing import (
    ANSWER_COMPONENTS,
    REQUEST_COMPONENTS,
    AnswerVerifier,
    RequestSigner,
    SignatureRejected,
)

KEYS = {
    "ed25519": (ed25519.Ed25519PrivateKey.generate(), algorithms.ED25519),
    "p256": (ec.generate_private_key(ec.SECP256R1()), algorithms.ECDSA_P256_SHA256),
}
printable = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40)


def request(body: bytes, user: str = "sub-1", party: str = "self") -> httpx.Request:
    return httpx.Request(
        "POST",
        "http://127.0.0.1:8101/education/applications?x=1",
        content=body,
        headers={
            "date": email.utils.formatdate(usegmt=True),
            "ishenzhen-application-number": "SZ1",
            "ishenzhen-user": user,
            "ishenzhen-party": party,
            "content-type": "application/json",
        },
    )


@pytest.mark.parametrize("kind", KEYS)
@settings(max_examples=30, deadline=None)
@given(body=st.binary(max_size=2000), user=printable, party=printable)
def test_our_request_signatures_verify_with_the_reference(
    kind: str, body: bytes, user: str, party: str
) -> None:
    key, algorithm = KEYS[kind]
    outgoing = request(body, user, party)
    RequestSigner("gw-key", key).sign(outgoing, body)
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithm,
        key_resolver=MappingKeyResolver(public_keys={"gw-key": key.public_key()}, private_keys={}),
    )
    [result] = verifier.verify(outgoing, require_components=REQUEST_COMPONENTS, body=body)
    assert result.parameters["keyid"] == "gw-key" and result.nonce


def signed_answer(
    kind: str, status: int = 202, body: bytes = b'{"receipt_number":"R1"}', key_id: str = "dept-key"
) -> httpx.Response:
    key, algorithm = KEYS[kind]
    response = httpx.Response(
        status, content=body, headers={"content-type": "application/json"}, request=request(b"{}")
    )
    HTTPMessageSigner(
        signature_algorithm=algorithm,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: key}),
    ).sign(response, key_id=key_id, label="department", covered_component_ids=ANSWER_COMPONENTS, body=body)
    return response


@pytest.mark.parametrize("kind", KEYS)
def test_reference_signed_answers_verify_on_the_short_path(kind: str) -> None:
    answer = signed_answer(kind)
    AnswerVerifier("dept-key", KEYS[kind][0].public_key()).verify(answer, answer.content)


@pytest.mark.parametrize("kind", KEYS)
def test_a_changed_status_body_or_request_is_rejected(kind: str) -> None:
    verifier = AnswerVerifier("dept-key", KEYS[kind][0].public_key())
    answer = signed_answer(kind)
    with pytest.raises(SignatureRejected, match="body"):
        verifier.verify(answer, b'{"receipt_number":"R2"}')
    changed = httpx.Response(200, content=answer.content, headers=answer.headers, request=answer.request)
    with pytest.raises(SignatureRejected):
        verifier.verify(changed, changed.content)
    other = httpx.Response(
        202,
        content=answer.content,
        headers=answer.headers,
        request=httpx.Request("POST", "http://127.0.0.1:8101/education/elsewhere"),
    )
    with pytest.raises(SignatureRejected):
        verifier.verify(other, other.content)


def test_another_key_or_key_id_is_rejected() -> None:
    answer = signed_answer("ed25519")
    with pytest.raises(SignatureRejected):
        AnswerVerifier("dept-key", ed25519.Ed25519PrivateKey.generate().public_key()).verify(
            answer, answer.content
        )
    renamed = signed_answer("ed25519", key_id="someone-else")
    with pytest.raises(SignatureRejected, match="another key"):
        AnswerVerifier("dept-key", KEYS["ed25519"][0].public_key()).verify(renamed, renamed.content)


def test_an_answer_without_status_coverage_is_rejected() -> None:
    key, algorithm = KEYS["ed25519"]
    body = b"{}"
    response = httpx.Response(202, content=body, request=request(b"{}"))
    HTTPMessageSigner(
        signature_algorithm=algorithm,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={"k": key}),
    ).sign(response, key_id="k", covered_component_ids=("content-digest",), body=body)
    with pytest.raises(SignatureRejected, match="cover"):
        AnswerVerifier("k", key.public_key()).verify(response, body)


def test_an_old_signature_is_rejected() -> None:
    key, algorithm = KEYS["ed25519"]
    body = b"{}"
    response = httpx.Response(202, content=body, request=request(b"{}"))
    HTTPMessageSigner(
        signature_algorithm=algorithm,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={"k": key}),
    ).sign(
        response,
        key_id="k",
        covered_component_ids=ANSWER_COMPONENTS,
        body=body,
        created=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )
    with pytest.raises(SignatureRejected, match="creation time"):
        AnswerVerifier("k", key.public_key()).verify(response, body)


def test_a_layout_the_short_path_does_not_know_goes_to_the_reference() -> None:
    answer = signed_answer("ed25519")
    # Two signatures: the short path declines and the reference decides (it wants a tag to choose).
    doubled = httpx.Headers(answer.headers)
    doubled["signature-input"] = answer.headers["signature-input"] + ", second=()"
    doubled["signature"] = answer.headers["signature"] + ", second=:AAAA:"
    response = httpx.Response(202, content=answer.content, headers=doubled, request=answer.request)
    with pytest.raises(SignatureRejected):
        AnswerVerifier("dept-key", KEYS["ed25519"][0].public_key()).verify(response, response.content)
