"""Strong ETags of registry responses (a hash of the exact bytes sent) and the ``If-Match`` rules of edits."""

from __future__ import annotations

from ishenzhen.errors import PreconditionFailed, PreconditionRequired
from ishenzhen.lib.http_cache import EncodedBody, encode_body

__all__ = ["check_if_match", "encoded"]


def encoded(view: object) -> EncodedBody:
    return encode_body(view)


def check_if_match(if_match: str | None, current: EncodedBody, *, required: bool, what: str) -> None:
    """428 without ``If-Match`` when ``required``; 412 unless it names the current ETag (strong comparison,
    RFC 9110 §13.1.1: a weak tag never matches)."""
    if if_match is None or not if_match.strip():
        if required:
            raise PreconditionRequired(
                f"send If-Match with the ETag of the {what} you based this change on (GET it first)"
            )
        return
    tags = [tag.strip() for tag in if_match.split(",")]
    if "*" in tags or current.etag in tags:
        return
    raise PreconditionFailed(
        f"the {what} has changed since you read it (its ETag is now {current.etag}); "
        "read it again and redo the change"
    )
