"""RFC 9421 signatures on what we send to a department (with an RFC 9530 digest), and on what it answers.

Our own requests are signed, and the answers verified, by a short path written here for the one layout the
gateway uses: the ``http-message-signatures`` package spends about 1 ms of CPU per signature serialising
structured fields (two thirds of a pass-through query's client-side CPU, measured with cProfile), and it builds
the signature base twice when signing. The package stays the reference: anything the short path does not
recognise (another layout, parameters, spacing) is verified by the package, and the tests check both ways that
the two agree (the simulators verify and sign with the package).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
import time

import httpx
from cryptography.exceptions import InvalidSignature as BadSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from http_message_signatures import (
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
_REQUIRED_ANSWER = frozenset({'"@status"', '"content-digest"', '"@method";req', '"@target-uri";req'})
_ANSWER_MAX_AGE = 300
_CLOCK_SKEW = 5
_OWS = " \t"  # RFC 9421 §2.1: field values are trimmed of optional whitespace
_LABEL = "ishenzhen"
# One member: label=(("component"[;req] )*);param=value… — the layout the short path verifies itself.
_SIGNATURE_INPUT = re.compile(
    r'^(?P<label>[a-z*][a-z0-9_.*-]{0,63})=(?P<params>\((?P<components>(?:"[a-z0-9@_.-]+"(?:;req)?'
    r'(?: "[a-z0-9@_.-]+"(?:;req)?)*)?)\)(?P<parameters>(?:;[a-z]+=(?:\d{1,15}|"[\x20-\x21\x23-\x5b\x5d-\x7e]*"))*))$'
)
_PARAMETER = re.compile(r';([a-z]+)=(?:(\d{1,15})|"([^"]*)")')
_SIGNATURE = re.compile(r"^(?P<label>[a-z*][a-z0-9_.*-]{0,63})=:(?P<value>[A-Za-z0-9+/]+={0,2}):$")
_DIGEST_MEMBER = re.compile(r"^(sha-256|sha-512)=:([A-Za-z0-9+/]+={0,2}):$")
_HASHERS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


class SignatureRejected(Exception):
    """A department's answer is not signed with the key the directory holds for it."""


def _algorithm(key: SigningKey | VerifyingKey) -> type[HTTPSignatureAlgorithm]:
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return algorithms.ED25519
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return algorithms.ECDSA_P256_SHA256
    raise TypeError(f"unsupported key type {type(key).__name__}")


def _target_uri(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii')}{url.raw_path.decode('ascii')}"


def _field(headers: httpx.Headers, name: str) -> str:
    values = headers.get_list(name)
    if not values:
        raise SignatureRejected(f"covered field {name} is missing")
    return ", ".join(value.strip(" \t") for value in values)


def _sf_string_safe(value: str) -> bool:
    return value.isascii() and value.isprintable() and '"' not in value and "\\" not in value


class RequestSigner:
    """Signs requests to one department with our key for it; every signature gets a fresh nonce."""

    def __init__(self, key_id: str, key: SigningKey) -> None:
        if not _sf_string_safe(key_id):
            raise ValueError("a key id must be printable ASCII without quotes or backslashes")
        self.key_id = key_id
        self._key = key
        self._alg = _algorithm(key).algorithm_id
        self._components = "(" + " ".join(f'"{name}"' for name in REQUEST_COMPONENTS) + ")"

    def sign(self, request: httpx.Request, body: bytes) -> None:
        """Adds ``Content-Digest``, ``Signature-Input`` and ``Signature`` to ``request`` in place."""
        headers = request.headers
        headers["content-digest"] = f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"
        params = (
            f'{self._components};created={int(time.time())};keyid="{self.key_id}";alg="{self._alg}"'
            f';nonce="{secrets.token_urlsafe(18)}"'
        )
        lines = [f'"@method": {request.method}', f'"@target-uri": {_target_uri(request.url)}']
        for name in REQUEST_COMPONENTS[2:]:
            value = headers.get(name)
            if value is None or not value.isascii() or not value.replace("\t", " ").isprintable():
                raise ValueError(f"header {name} is missing or not printable ASCII")
            lines.append(f'"{name}": {value.strip(_OWS)}')
        lines.append(f'"@signature-params": {params}')
        signature = _sign(self._key, "\n".join(lines).encode("ascii"))
        headers["signature-input"] = f"{_LABEL}={params}"
        headers["signature"] = f"{_LABEL}=:{base64.b64encode(signature).decode()}:"


def _sign(key: SigningKey, message: bytes) -> bytes:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")  # RFC 9421 §3.3.4: r and s, 32 bytes each


def _verify(key: VerifyingKey, signature: bytes, message: bytes) -> None:
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
            return
        if len(signature) != 64:
            raise SignatureRejected("an ECDSA P-256 signature has 64 bytes")
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        key.verify(der, message, ec.ECDSA(hashes.SHA256()))
    except BadSignature:
        raise SignatureRejected("the signature does not match") from None


def _check_digest(value: str, body: bytes) -> None:
    matched = False
    for member in value.split(","):
        found = _DIGEST_MEMBER.match(member.strip())
        if found is None:
            raise SignatureRejected("Content-Digest is malformed")
        expected = _HASHERS[found[1]](body).digest()
        if not hmac.compare_digest(base64.b64decode(found[2]), expected):
            raise SignatureRejected("the body does not match its Content-Digest")
        matched = True
    if not matched:
        raise SignatureRejected("Content-Digest is empty")


class AnswerVerifier:
    """Checks that a department's answer is signed by its key and covers status, body and our request."""

    def __init__(self, key_id: str, key: VerifyingKey) -> None:
        self.key_id = key_id
        self._key = key
        self._alg = _algorithm(key).algorithm_id
        self._reference = HTTPMessageVerifier(
            signature_algorithm=_algorithm(key),
            key_resolver=MappingKeyResolver(public_keys={key_id: key}, private_keys={}),
        )

    def verify(self, response: httpx.Response, body: bytes) -> None:
        inputs = response.headers.get_list("signature-input")
        signatures = response.headers.get_list("signature")
        if len(inputs) != 1 or len(signatures) != 1:
            return self._verify_with_reference(response, body)
        signature_input, signature = _SIGNATURE_INPUT.match(inputs[0]), _SIGNATURE.match(signatures[0])
        if signature_input is None or signature is None or signature_input["label"] != signature["label"]:
            return self._verify_with_reference(response, body)
        components = signature_input["components"].split(" ") if signature_input["components"] else []
        if not _REQUIRED_ANSWER <= set(components):
            raise SignatureRejected("the answer's signature does not cover its status, body and our request")
        parameters = {
            name: int(number) if number else text
            for name, number, text in _PARAMETER.findall(signature_input["parameters"])
        }
        self._check_parameters(parameters)
        request = response.request
        lines = []
        for component in components:
            if component == '"@status"':
                value = str(response.status_code)
            elif component == '"@method";req':
                value = request.method
            elif component == '"@target-uri";req':
                value = _target_uri(request.url)
            elif component.startswith('"@'):
                return self._verify_with_reference(response, body)
            elif component.endswith(";req"):
                value = _field(request.headers, component[1:-5])
            else:
                value = _field(response.headers, component[1:-1])
            lines.append(f"{component}: {value}")
        lines.append(f'"@signature-params": {signature_input["params"]}')
        try:
            message = "\n".join(lines).encode("ascii")
        except UnicodeEncodeError:
            raise SignatureRejected("a covered value is not ASCII") from None
        _verify(self._key, base64.b64decode(signature["value"]), message)
        _check_digest(_field(response.headers, "content-digest"), body)
        return None

    def _check_parameters(self, parameters: dict[str, int | str]) -> None:
        if parameters.get("keyid") != self.key_id:
            raise SignatureRejected("signed with another key")
        if parameters.get("alg", self._alg) != self._alg:
            raise SignatureRejected("signed with another algorithm")
        if set(parameters) - {"alg", "created", "expires", "keyid", "nonce", "tag"}:
            raise SignatureRejected("unexpected signature parameters")
        created, now = parameters.get("created"), time.time()
        if (
            not isinstance(created, int)
            or created > now + _CLOCK_SKEW
            or created + _ANSWER_MAX_AGE < now - _CLOCK_SKEW
        ):
            raise SignatureRejected("the signature's creation time is missing or out of range")
        expires = parameters.get("expires")
        if expires is not None and (not isinstance(expires, int) or expires < now - _CLOCK_SKEW):
            raise SignatureRejected("the signature has expired")

    def _verify_with_reference(self, response: httpx.Response, body: bytes) -> None:
        try:
            results = self._reference.verify(
                response,
                max_age=dt.timedelta(seconds=_ANSWER_MAX_AGE),
                require_components=ANSWER_COMPONENTS,
                body=body,
            )
        except InvalidSignature as exc:
            raise SignatureRejected(str(exc) or "invalid signature") from None
        except Exception as exc:  # the package raises its base exception for malformed fields
            raise SignatureRejected(f"malformed signature: {exc}") from None
        if results[0].parameters.get("keyid") != self.key_id:
            raise SignatureRejected("signed with another key")
