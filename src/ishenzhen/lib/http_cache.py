"""Pre-encoded JSON bodies with strong ETags, and conditional GET.

Read endpoints over an immutable snapshot answer the same bytes to everyone until the snapshot changes, so
the bytes and their ETag are computed once and kept in a small LRU; a client (or CDN) holding the ETag gets
304 with no body.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable

import msgspec
from litestar import Response
from litestar.datastructures import Headers
from litestar.status_codes import HTTP_200_OK, HTTP_304_NOT_MODIFIED

__all__ = ["EncodedBody", "ResponseCache", "conditional_response", "encode_body"]

_encoder = msgspec.json.Encoder()


class EncodedBody(msgspec.Struct, frozen=True):
    content: bytes
    etag: str


def encode_body(value: object) -> EncodedBody:
    content = _encoder.encode(value)
    return EncodedBody(content=content, etag=f'"{hashlib.blake2b(content, digest_size=12).hexdigest()}"')


class ResponseCache:
    """A bounded LRU of encoded bodies; keys should include the snapshot revision."""

    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, EncodedBody] = OrderedDict()

    def get_or_build(self, key: Hashable, build: Callable[[], object]) -> EncodedBody:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            return entry
        entry = encode_body(build())
        self._entries[key] = entry
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in candidates or etag in candidates


def conditional_response(body: EncodedBody, headers: Headers, cache_control: str) -> Response[bytes]:
    response_headers = {"ETag": body.etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if _matches(headers.get("if-none-match"), body.etag):
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=response_headers)
    return Response(body.content, status_code=HTTP_200_OK, media_type="application/json", headers=response_headers)
