"""Checks every request passes once, at the edge, before any handler, cache or database sees it.

Input that no endpoint can mean is refused here with one answer, instead of reaching the JSON decoder
(which recurses once per nesting level), a ``str`` decode (which raises on broken UTF-8) or PostgreSQL
(which refuses NUL in text): NUL and control characters in the path, the query, the decoded Basic
credentials and form fields; JSON nested deeper than ``MAX_JSON_DEPTH``; bodies that are not UTF-8;
NUL escapes inside JSON strings. The body is read here, with a timeout between chunks, and replayed to the
app in one message; a client that leaves while sending it is recorded as such, never as a server error.

Plain ASGI like ``lib.request_context``: it runs on every request, so a GET without percent escapes costs a
few byte scans. How a refusal is rendered (problem+json, or RFC 6749 on OAuth endpoints) is the caller's.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from litestar.types import (
    ASGIApp,
    HTTPRequestEvent,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)

__all__ = [
    "CLIENT_DISCONNECTED",
    "MAX_JSON_DEPTH",
    "BodyReadTimeout",
    "EdgeChecks",
    "Refusal",
    "describe",
    "json_body_problem",
    "query_problem",
]

# Deeper than any document we define (render specs nest about a dozen levels), far below the depth at which
# a recursive decoder exhausts the stack.
MAX_JSON_DEPTH = 64
# Set in ``scope["state"]`` when the client went away before its request was complete.
CLIENT_DISCONNECTED = "client_disconnected"

# C0 controls and DEL. Form values may hold tab and line breaks (a typed address); nothing else may.
_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")
_CONTROL_TEXT = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_VALUE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_IN_HEADER = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
# A JSON string escape of NUL, preceded by an even number of backslashes (so not itself an escaped "\").
_JSON_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the edge refuses a request: an HTTP status and the one field at fault."""

    status: int
    location: str
    name: str
    reason: str


Answer = Callable[[Scope, Refusal], tuple[int, list[tuple[bytes, bytes]], bytes]]


def _text_problem(raw: bytes, allowed_controls: re.Pattern[bytes]) -> str | None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"is not valid UTF-8 (byte {exc.start})"
    if (found := allowed_controls.search(raw)) is not None:
        return f"holds the control character U+{found[0][0]:04X}"
    return None


def query_problem(query_string: bytes) -> tuple[str, str] | None:
    """(parameter name, reason) of the first query parameter that is not clean text, else None."""
    if b"%" not in query_string and _CONTROL.search(query_string) is None:
        return None
    # The whole string decoded at once says whether any part is faulty: ``&`` and ``=`` are ASCII, so they
    # never cut through a valid UTF-8 sequence, and a part that ends inside one leaves it broken here too.
    # Only a faulty query (rare) is decoded part by part, to name the parameter: one pass instead of two
    # calls a parameter on every search typed in Chinese.
    if _text_problem(unquote_to_bytes(query_string.replace(b"+", b" ")), _CONTROL) is None:
        return None
    for pair in query_string.split(b"&"):
        raw_name, _, raw_value = pair.partition(b"=")
        name = unquote_to_bytes(raw_name.replace(b"+", b" "))
        if (reason := _text_problem(name, _CONTROL)) is not None:
            return name.decode("utf-8", "replace"), f"name {reason}"
        value = unquote_to_bytes(raw_value.replace(b"+", b" "))
        if (reason := _text_problem(value, _CONTROL)) is not None:
            return name.decode("utf-8", "replace"), reason
    return None


def _form_problem(body: bytes) -> tuple[str, str] | None:
    for pair in body.split(b"&"):
        raw_name, _, raw_value = pair.partition(b"=")
        name = unquote_to_bytes(raw_name.replace(b"+", b" "))
        if (reason := _text_problem(name, _CONTROL)) is not None:
            return name.decode("utf-8", "replace"), f"name {reason}"
        value = unquote_to_bytes(raw_value.replace(b"+", b" "))
        if (reason := _text_problem(value, _CONTROL_IN_VALUE)) is not None:
            return name.decode("utf-8", "replace"), reason
    return None


def _json_depth_exceeds(body: bytes, limit: int) -> bool:
    # Fewer opening brackets than the limit cannot nest deeper than it: the usual case costs two counts.
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b'""', body)):
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def json_body_problem(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why a JSON body cannot be decoded safely (None when it can be handed to the decoder)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"request body is not valid UTF-8 (byte {exc.start})"
    if _json_depth_exceeds(body, max_depth):
        return f"request body nests deeper than {max_depth} levels"
    if _JSON_NUL_ESCAPE.search(body) is not None:
        return "request body holds a NUL character (\\u0000) in a string"
    return None


def _basic_credentials_problem(value: bytes) -> str | None:
    scheme, _, encoded = value.partition(b" ")
    if scheme.lower() != b"basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return "Basic credentials are not valid base64"
    # RFC 6749 §2.3.1: client id and secret are form-encoded before base64.
    for part in decoded.split(b":", 1):
        if (reason := _text_problem(unquote_to_bytes(part.replace(b"+", b" ")), _CONTROL)) is not None:
            return f"Basic credentials {reason}"
    return None


def _header_problem(headers: Iterable[tuple[bytes, bytes]]) -> tuple[str, str] | None:
    for name, value in headers:
        if _CONTROL_IN_HEADER.search(value) is not None:
            return name.decode("latin-1"), "holds a control character"
        if name == b"authorization" and (reason := _basic_credentials_problem(value)) is not None:
            return "authorization", reason
    return None


def _media_type(headers: Iterable[tuple[bytes, bytes]]) -> bytes:
    for name, value in headers:
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower()
    return b""


def _content_length(headers: Iterable[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class _ClientLeft(Exception):
    pass


class _BodyTooLarge(Exception):
    pass


class BodyReadTimeout(Exception):
    """No part of the request body arrived within the timeout."""


class EdgeChecks:
    """Refuse unusable input once, read bodies with a timeout; ``answer`` renders a refusal."""

    def __init__(
        self, app: ASGIApp, *, answer: Answer, max_body_bytes: int, body_read_seconds: float
    ) -> None:
        self.app = app
        self.answer = answer
        self.max_body_bytes = max_body_bytes
        self.body_read_seconds = body_read_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._head_refusal(scope)
        if refusal is not None:
            await self._refuse(scope, send, refusal)
            return
        if scope["method"] not in _BODY_METHODS:  # type: ignore[typeddict-item]
            await self.app(scope, receive, send)
            return
        media_type = _media_type(scope["headers"])
        is_json = media_type == b"application/json" or media_type.endswith(b"+json")
        if not is_json and media_type != b"application/x-www-form-urlencoded":
            await self.app(scope, self._timed(scope, receive), send)
            return
        try:
            body = await self._read_body(scope, receive)
        except _ClientLeft:
            scope.setdefault("state", {})[CLIENT_DISCONNECTED] = True
            return
        except BodyReadTimeout:
            await self._refuse(scope, send, self._timeout_refusal())
            return
        except _BodyTooLarge:
            await self._refuse(scope, send, Refusal(413, "body", "", "request body exceeds the size limit"))
            return
        if is_json:
            problem = json_body_problem(body) if body else None
            if problem is not None:
                await self._refuse(scope, send, Refusal(400, "body", "", problem))
                return
        elif (field := _form_problem(body)) is not None:
            await self._refuse(scope, send, Refusal(400, "body", field[0], f"form field {field[1]}"))
            return
        await self.app(scope, _replay(body, receive), send)

    def _head_refusal(self, scope: Scope) -> Refusal | None:
        path = scope["path"]
        if _CONTROL_TEXT.search(path) is not None:
            return Refusal(400, "path", "", "the path holds a control character")
        if (query := query_problem(scope["query_string"])) is not None:
            return Refusal(400, "query", query[0], query[1])
        if (header := _header_problem(scope["headers"])) is not None:
            return Refusal(400, "header", header[0], header[1])
        return None

    def _timeout_refusal(self) -> Refusal:
        return Refusal(
            408, "body", "", f"no part of the request body arrived within {self.body_read_seconds:g} s"
        )

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        announced = _content_length(scope["headers"])
        if announced is not None and announced > self.max_body_bytes:
            raise _BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self._receive_within(receive)
            if message["type"] == "http.disconnect":
                raise _ClientLeft
            chunk: bytes = message.get("body", b"")  # type: ignore[assignment]
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _receive_within(self, receive: Receive) -> ReceiveMessage:
        try:
            async with asyncio.timeout(self.body_read_seconds):
                return await receive()
        except TimeoutError:
            raise BodyReadTimeout from None

    def _timed(self, scope: Scope, receive: Receive) -> Receive:
        """``receive`` with the body-read timeout, marking a client that leaves (bodies the edge streams)."""
        finished = False

        async def timed_receive() -> ReceiveMessage:
            nonlocal finished
            if finished:
                return await receive()
            message = await self._receive_within(receive)
            if message["type"] == "http.disconnect":
                scope.setdefault("state", {})[CLIENT_DISCONNECTED] = True
                finished = True
            elif not message.get("more_body", False):
                finished = True
            return message

        return timed_receive

    async def _refuse(self, scope: Scope, send: Send, refusal: Refusal) -> None:
        status, headers, body = self.answer(scope, refusal)
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        if refusal.status in (408, 413):
            # The rest of the body is not read: the connection cannot carry another request.
            headers.append((b"connection", b"close"))
        start: HTTPResponseStartEvent = {"type": "http.response.start", "status": status, "headers": headers}
        await send(start)
        end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
        await send(end)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> ReceiveMessage:
        nonlocal sent
        if not sent:
            sent = True
            event: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": False}
            return event
        return await receive()

    return replay


def describe(refusal: Refusal) -> str:
    """One sentence naming the field and the reason, for a problem's ``detail``."""
    if refusal.location == "body" and not refusal.name:
        return refusal.reason
    if refusal.location == "path":
        return refusal.reason
    where = "form field" if refusal.location == "body" else f"{refusal.location} parameter"
    reason = refusal.reason.removeprefix("form field ")
    return f"{where} {refusal.name!r} {reason}"
