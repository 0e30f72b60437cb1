"""Resolving RFC 6901 pointers in plain JSON values, to prove a problem names a real place."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def resolve(document: Any, pointer: str) -> Any:
    """The value at ``pointer``, or ``_MISSING`` when there is none."""
    if pointer == "":
        return document
    assert pointer.startswith("/"), pointer
    node = document
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node


def exists(document: Any, pointer: str) -> bool:
    return resolve(document, pointer) is not _MISSING


def parent_exists(document: Any, pointer: str) -> bool:
    """For a missing optional member (``/…/min_length`` left at its default): its object exists."""
    return exists(document, pointer.rsplit("/", 1)[0])
