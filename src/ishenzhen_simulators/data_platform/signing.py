"""Request signatures the platform accepts: HMAC-SHA256 over the request and its declared purpose.

A caller signs ``method \\n path \\n query \\n timestamp \\n client \\n purpose \\n basis`` with its secret and sends
the parts as headers. The purpose and its basis (an application id or an explicit citizen action) are part of
what is signed, so they cannot be changed on the way; the secret never travels; a timestamp more than five
minutes off is refused, which bounds replays.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping

__all__ = ["MAX_SKEW_SECONDS", "PURPOSES", "SignatureRefused", "canonical", "verify"]

MAX_SKEW_SECONDS = 300
PURPOSES = frozenset({"instant_approval", "application_review", "citizen_view", "prefill"})
_BASIS = re.compile(
    r"application:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|citizen_action:[a-z_]{1,40}"
)


class SignatureRefused(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def canonical(
    method: str, path: str, query: str, timestamp: str, client: str, purpose: str, basis: str
) -> bytes:
    return "\n".join((method.upper(), path, query, timestamp, client, purpose, basis)).encode()


def verify(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    clients: Mapping[str, str],
    now: float | None = None,
) -> tuple[str, str, str]:
    """The caller, purpose and basis of a correctly signed request, or ``SignatureRefused``."""
    client = headers.get("x-client-id", "")
    secret = clients.get(client)
    signature = headers.get("x-signature", "")
    timestamp = headers.get("x-timestamp", "")
    if secret is None or not signature:
        raise SignatureRefused(401, "unknown_client", "a known client id and a signature are required")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > MAX_SKEW_SECONDS:
        raise SignatureRefused(401, "stale_request", "the timestamp is missing or more than five minutes off")
    purpose = headers.get("x-purpose", "")
    basis = headers.get("x-basis", "")
    expected = hmac.new(
        secret.encode(), canonical(method, path, query, timestamp, client, purpose, basis), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise SignatureRefused(401, "bad_signature", "the signature does not match the request")
    if purpose not in PURPOSES:
        raise SignatureRefused(403, "purpose_required", "declare one of: " + ", ".join(sorted(PURPOSES)))
    if not _BASIS.fullmatch(basis):
        raise SignatureRefused(
            403, "basis_required", "bind the request to application:<uuid> or citizen_action:<name>"
        )
    return client, purpose, basis
