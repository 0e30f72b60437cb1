"""RFC 9421 on the department's side: verify the gateway's signed requests, refuse replays, sign answers."""

from __future__ import annotations

import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, InvalidSignature, algorithms
from http_message_signatures.resolvers import MappingKeyResolver

__all__ = ["REQUIRED_COMPONENTS", "RequestRefused", "RequestVerifier", "ResponseSigner", "SignedRequestView"]

# What the contract says every gateway request covers.
REQUIRED_COMPONENTS = (
    "@method",
    "@target-uri",
    "content-digest",
    "date",
    "ishenzhen-application-number",
    "ishenzhen-user",
    "ishenzhen-party",
)
RESPONSE_COMPONENTS = ("@status", "content-digest", '"@method";req', '"@target-uri";req')


class RequestRefused(Exception):
    """The request is not one the gateway signed, or it is a replay; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class SignedRequestView:
    """What the signature library reads of a request: method, absolute URL, header field lines."""

    method: str
    url: str
    headers: _Fields


class _Fields:
    """Header field lines in order, as the library's resolver wants them (read-only for verification)."""

    def __init__(self, lines: Iterable[tuple[str, str]]) -> None:
        self._lines = list(lines)

    def items(self) -> list[tuple[str, str]]:
        return self._lines

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(name for name, _ in self._lines))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(n.lower() == name.lower() for n, _ in self._lines)

    def __setitem__(self, name: str, value: str) -> None:
        self._lines = [(n, v) for n, v in self._lines if n.lower() != name.lower()]
        self._lines.append((name, value))

    def __delitem__(self, name: str) -> None:
        self._lines = [(n, v) for n, v in self._lines if n.lower() != name.lower()]


@dataclass
class _ResponseView:
    status_code: int
    headers: _Fields
    request: SignedRequestView


@dataclass
class _NonceMemory:
    """Nonces seen within the signature's maximum age, oldest first, so old ones fall out in order."""

    max_age: float
    seen: OrderedDict[str, float] = field(default_factory=OrderedDict)

    def first_time(self, nonce: str) -> bool:
        now = time.monotonic()
        while self.seen:
            oldest, at = next(iter(self.seen.items()))
            if now - at <= self.max_age:
                break
            del self.seen[oldest]
        if nonce in self.seen:
            return False
        self.seen[nonce] = now
        return True


class RequestVerifier:
    """Verifies requests signed with the gateway's key for one department."""

    def __init__(self, key_id: str, public_key_pem: str, max_age: float) -> None:
        public_key = load_pem_public_key(public_key_pem.encode())
        if not isinstance(public_key, ed25519.Ed25519PublicKey):
            raise ValueError("the gateway's department key must be Ed25519")
        self.key_id = key_id
        self.max_age = max_age
        self._verifier = HTTPMessageVerifier(
            signature_algorithm=algorithms.ED25519,
            key_resolver=MappingKeyResolver(public_keys={key_id: public_key}, private_keys={}),
        )
        self._nonces = _NonceMemory(max_age)

    def verify(self, view: SignedRequestView, body: bytes) -> None:
        try:
            results = self._verifier.verify(
                view,
                max_age=dt.timedelta(seconds=self.max_age),
                require_components=REQUIRED_COMPONENTS,
                body=body,
            )
        except InvalidSignature as exc:
            raise RequestRefused(f"signature: {exc}") from None
        except Exception as exc:  # malformed fields the library rejects while parsing
            raise RequestRefused(f"signature: {exc}") from None
        result = results[0]
        if result.parameters.get("keyid") != self.key_id:
            raise RequestRefused("signature: key id is not this department's")
        nonce = result.nonce
        if not isinstance(nonce, str) or not nonce:
            raise RequestRefused("signature: a nonce is required")
        if not self._nonces.first_time(nonce):
            raise RequestRefused("replay: this signature was already used")


class ResponseSigner:
    """Signs the department's answers, binding them to the request they answer."""

    def __init__(self, key_id: str, private_key_pem: str) -> None:
        private_key = load_pem_private_key(private_key_pem.encode(), password=None)
        if not isinstance(private_key, ed25519.Ed25519PrivateKey):
            raise ValueError("a department's key must be Ed25519")
        self.key_id = key_id
        self._signer = HTTPMessageSigner(
            signature_algorithm=algorithms.ED25519,
            key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: private_key}),
        )

    def sign(
        self, request: SignedRequestView, status: int, headers: Mapping[str, str], body: bytes
    ) -> list[tuple[str, str]]:
        """The answer's header lines with ``Content-Digest``, ``Signature-Input`` and ``Signature`` added."""
        view = _ResponseView(status, _Fields(headers.items()), request)
        self._signer.sign(
            view, key_id=self.key_id, label="department", covered_component_ids=RESPONSE_COMPONENTS, body=body
        )
        return view.headers.items()


def fields(lines: Iterable[tuple[str, str]]) -> _Fields:
    return _Fields(lines)
