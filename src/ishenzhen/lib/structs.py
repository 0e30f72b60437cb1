"""The one documented base for every request and response body.

New fields are added with defaults so older app versions keep decoding what we send, and unknown fields
from newer clients are ignored rather than refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, dataclass_transform

import msgspec

__all__ = ["Struct"]

if TYPE_CHECKING:
    # For the type checker only. msgspec marks ``msgspec.Struct`` itself with ``dataclass_transform``, so our
    # subclass counts as a non-frozen dataclass and every ``Struct, frozen=True`` body is reported as
    # "Frozen dataclass cannot inherit from a non-frozen dataclass" (msgspec issue 657). PEP 681: a class
    # naming a ``dataclass_transform`` metaclass directly is neither frozen nor non-frozen, so both kinds
    # of body may derive from it, and assigning to a frozen body's field is still an error.
    @dataclass_transform(field_specifiers=(msgspec.field,), kw_only_default=True)
    class _BodyMeta(msgspec.StructMeta): ...

    class Struct(msgspec.Struct, metaclass=_BodyMeta, kw_only=True):
        """Base class of every body: keyword-only fields, JSON keys as named in Python."""

else:

    class Struct(msgspec.Struct, kw_only=True):
        """Base class of every body: keyword-only fields, JSON keys as named in Python."""
