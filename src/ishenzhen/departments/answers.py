"""Reading a department's answer: which statuses are worth another attempt, Retry-After, what a failed link
looks like, and the verdict on one attempt (``judge``)."""

from __future__ import annotations

import email.utils
import time
from typing import Literal

import httpx
import msgspec

from ishenzhen.departments.schemas import DeliveryResult, ErrorSource, OutboundRequest
from ishenzhen.departments.signing import AnswerVerifier, SignatureRejected

__all__ = [
    "LINK_STATUSES",
    "MAX_RETRY_AFTER",
    "RETRYABLE_STATUSES",
    "Attempt",
    "describe_link_failure",
    "header_safe",
    "judge",
    "retry_after_seconds",
    "snippet",
]

# Worth another attempt: the department (or a proxy in front of it) says "not now".
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# Statuses a proxy in front of the department answers when it cannot reach it: the link failed.
LINK_STATUSES = frozenset({502, 504})
MAX_RETRY_AFTER = 3600.0


class Attempt(msgspec.Struct, frozen=True):
    result: DeliveryResult
    healthy: bool  # what the breaker should learn from it


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date), bounded; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, min(when.timestamp() - time.time(), MAX_RETRY_AFTER))


def header_safe(value: str) -> bool:
    return value.isascii() and value.isprintable() and 0 < len(value) <= 256


def describe_link_failure(exc: BaseException) -> str:
    """ "timed out: …" for timeouts, else what broke. httpx-aiohttp maps a closed connection to ConnectTimeout,
    so the aiohttp error underneath decides."""
    cause = exc.__cause__
    timeout = isinstance(exc, TimeoutError) or (
        isinstance(exc, httpx.TimeoutException) and (cause is None or isinstance(cause, TimeoutError))
    )
    shown = cause if cause is not None else exc
    text = f"{type(shown).__name__}: {shown}".rstrip(": ")
    return (f"timed out: {text}" if timeout else f"connection failed: {text}")[:300]


def snippet(body: bytes | None) -> str:
    if not body:
        return ""
    return body[:200].decode("utf-8", "replace").replace("\n", " ")


def judge(
    request: OutboundRequest, response: httpx.Response, content: bytes, verifier: AnswerVerifier | None
) -> Attempt:
    """What a department's answer means: delivered, worth a retry, or dead; and whether it was healthy."""
    status = response.status_code

    def result(
        outcome: Literal["delivered", "retry", "dead"],
        source: ErrorSource | None,
        detail: str,
        healthy: bool,
    ) -> Attempt:
        retry_after = retry_after_seconds(response.headers.get("retry-after")) if outcome == "retry" else None
        return Attempt(
            result=DeliveryResult(
                outcome=outcome,
                status=status,
                body=content,
                retry_after=retry_after,
                error_source=source,
                detail=detail,
            ),
            healthy=healthy,
        )

    if 300 <= status < 400:
        # Never followed: a department system that moved is a configuration change, not a hop to take.
        location = response.headers.get("location", "")[:200]
        return result("dead", "department", f"redirect ({status}) to {location!r} not followed", True)
    if status in RETRYABLE_STATUSES:
        source: ErrorSource = "link" if status in LINK_STATUSES else "department"
        return result("retry", source, f"department answered {status}: {snippet(content)}", status == 429)
    if verifier is not None:
        try:
            verifier.verify(response, content)
        except SignatureRejected as exc:
            return result("retry", "department", f"answer signature rejected: {exc}", False)
    if 400 <= status < 600:
        return result("dead", "department", f"department refused ({status}): {snippet(content)}", True)
    if not 200 <= status < 300:
        return result("retry", "department", f"unexpected status {status}", False)
    try:
        answer = msgspec.json.decode(content)
    except msgspec.DecodeError:
        return result("retry", "department", f"answer is not JSON: {snippet(content)!r}", False)
    if not isinstance(answer, dict):
        return result("retry", "department", "answer is not a JSON object", False)
    if request.path == "/applications" and not isinstance(answer.get("receipt_number"), str):
        return result("retry", "department", "answer has no receipt_number", False)
    return result("delivered", None, f"department answered {status}", True)
