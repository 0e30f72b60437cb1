"""Pre-encoded JSON bodies with strong ETags, and conditional GET.

Read endpoints over an immutable snapshot answer the same bytes to everyone until the snapshot changes; the
ETag is a hash of those bytes, so a client (or CDN) holding it gets 304 with no body. Finished responses are
kept by ``lib.shared_cache``.
"""

from __future__ import annotations

import hashlib

import msgspec
from litestar import Response
from litestar.datastructures import Headers
from litestar.status_codes import HTTP_200_OK, HTTP_304_NOT_MODIFIED

__all__ = ["EncodedBody", "conditional_response", "encode_body", "etag_matches"]

_encoder = msgspec.json.Encoder()


class EncodedBody(msgspec.Struct, frozen=True):
    content: bytes
    etag: str


def encode_body(value: object) -> EncodedBody:
    content = _encoder.encode(value)
    return EncodedBody(content=content, etag=f'"{hashlib.blake2b(content, digest_size=12).hexdigest()}"')


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in candidates or etag in candidates


def conditional_response(body: EncodedBody, headers: Headers, cache_control: str) -> Response[bytes]:
    response_headers = {"ETag": body.etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if etag_matches(headers.get("if-none-match"), body.etag):
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=response_headers)
    return Response(
        body.content, status_code=HTTP_200_OK, media_type="application/json", headers=response_headers
    )
