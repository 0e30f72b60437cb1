"""RFC 9421 signatures on what we send to a department (with an RFC 9530 digest), and on what it answers.

The ``http-message-signatures`` package builds and checks the signature base; this module only decides what
is covered and which key signs, so every department request is signed the same way.
"""

from __future__ import annotations

import datetime as dt
import secrets

import httpx
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureAlgorithm,
    InvalidSignature,
    algorithms,
)
from http_message_signatures.resolvers import MappingKeyResolver

from ishenzhen.departments.directory import SigningKey, VerifyingKey

__all__ = ["ANSWER_COMPONENTS", "REQUEST_COMPONENTS", "AnswerVerifier", "RequestSigner", "SignatureRejected"]

REQUEST_COMPONENTS = (
    "@method",
    "@target-uri",
    "content-digest",
    "date",
    "ishenzhen-application-number",
    "ishenzhen-user",
    "ishenzhen-party",
)
# A signed answer must cover its status and body, and name the request it answers.
ANSWER_COMPONENTS = ("@status", "content-digest", '"@method";req', '"@target-uri";req')
_ANSWER_MAX_AGE = dt.timedelta(minutes=5)


class SignatureRejected(Exception):
    """A department's answer is not signed with the key the directory holds for it."""


def _algorithm(key: SigningKey | VerifyingKey) -> type[HTTPSignatureAlgorithm]:
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return algorithms.ED25519
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return algorithms.ECDSA_P256_SHA256
    raise TypeError(f"unsupported key type {type(key).__name__}")


class RequestSigner:
    """Signs requests to one department with our key for it; every signature gets a fresh nonce."""

    def __init__(self, key_id: str, key: SigningKey) -> None:
        self.key_id = key_id
        self._signer = HTTPMessageSigner(
            signature_algorithm=_algorithm(key),
            key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: key}),
        )

    def sign(self, request: httpx.Request, body: bytes) -> None:
        """Adds ``Content-Digest``, ``Signature-Input`` and ``Signature`` to ``request`` in place."""
        self._signer.sign(
            request,
            key_id=self.key_id,
            nonce=secrets.token_urlsafe(18),
            label="ishenzhen",
            covered_component_ids=REQUEST_COMPONENTS,
            body=body,
        )


class AnswerVerifier:
    """Checks that a department's answer is signed by its key and covers status, body and our request."""

    def __init__(self, key_id: str, key: VerifyingKey) -> None:
        self.key_id = key_id
        self._verifier = HTTPMessageVerifier(
            signature_algorithm=_algorithm(key),
            key_resolver=MappingKeyResolver(public_keys={key_id: key}, private_keys={}),
        )

    def verify(self, response: httpx.Response, body: bytes) -> None:
        try:
            results = self._verifier.verify(
                response, max_age=_ANSWER_MAX_AGE, require_components=ANSWER_COMPONENTS, body=body
            )
        except InvalidSignature as exc:
            raise SignatureRejected(str(exc) or "invalid signature") from None
        except Exception as exc:  # the library raises its base exception for malformed fields
            raise SignatureRejected(f"malformed signature: {exc}") from None
        if results[0].parameters.get("keyid") != self.key_id:
            raise SignatureRejected("signed with another key")
