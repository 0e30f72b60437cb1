"""Field-level differences between two item documents, as RFC 6901 pointers with the values before and after.

Written here rather than taken from ``jsonpatch``: an RFC 6902 patch is a program (its list operations and
``move``s refer to the intermediate document, so a pointer only makes sense after the previous operations),
while a reviewer needs each changed field of the two versions side by side. Lists are compared position by
position, so a changed material shows as ``/materials/2/name`` rather than as a removal and an insertion.
"""

from __future__ import annotations

from typing import Any

import msgspec

from ishenzhen.registry.schemas import FieldChange

__all__ = ["field_changes", "pointer", "pointer_of_path"]


def pointer(*tokens: str | int) -> str:
    """RFC 6901: ``~`` becomes ``~0`` and ``/`` becomes ``~1`` in each reference token."""
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in tokens)


def pointer_of_path(path: str) -> str:
    """msgspec's error path (``$.materials[0].name``) as a JSON pointer (``/materials/0/name``)."""
    tokens: list[str | int] = []
    rest = path.removeprefix("$")
    while rest:
        if rest.startswith("."):
            end = min((i for i in (rest.find(".", 1), rest.find("[", 1)) if i > 0), default=len(rest))
            tokens.append(rest[1:end])
            rest = rest[end:]
        elif rest.startswith("["):
            end = rest.index("]")
            key = rest[1:end]
            tokens.append(key.strip("'\"") if not key.isdigit() else int(key))
            rest = rest[end + 1 :]
        else:  # not a path msgspec writes; keep it whole rather than guess
            tokens.append(rest)
            break
    return pointer(*tokens)


def field_changes(before: Any, after: Any) -> list[FieldChange]:
    """Every leaf that differs; ``before``/``after`` are Structs or JSON-like values."""
    changes: list[FieldChange] = []
    _walk(msgspec.to_builtins(before), msgspec.to_builtins(after), (), changes)
    return changes


def _walk(old: Any, new: Any, at: tuple[str | int, ...], changes: list[FieldChange]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if key not in new:
                changes.append(FieldChange(pointer=pointer(*at, key), op="remove", before=old[key]))
            else:
                _walk(old[key], new[key], (*at, key), changes)
        for key in new:
            if key not in old:
                changes.append(FieldChange(pointer=pointer(*at, key), op="add", after=new[key]))
        return
    if isinstance(old, list) and isinstance(new, list):
        for index in range(min(len(old), len(new))):
            _walk(old[index], new[index], (*at, index), changes)
        for index in range(len(new), len(old)):
            changes.append(FieldChange(pointer=pointer(*at, index), op="remove", before=old[index]))
        for index in range(len(old), len(new)):
            changes.append(FieldChange(pointer=pointer(*at, index), op="add", after=new[index]))
        return
    if old != new or type(old) is not type(new):
        changes.append(FieldChange(pointer=pointer(*at), op="replace", before=old, after=new))
