"""The one documented base for every request and response body.

New fields are added with defaults so older app versions keep decoding what we send, and unknown fields
from newer clients are ignored rather than refused.
"""

from __future__ import annotations

import msgspec

__all__ = ["Struct"]


class Struct(msgspec.Struct, kw_only=True, frozen=True):
    """Base class of every body: keyword-only fields, JSON keys as named in Python, immutable.

    Every body is frozen (they are built once and shared: pre-encoded, cached, handed between tasks), and
    the base says so itself: a type checker applies PEP 681's dataclass rules to Structs and refuses a frozen
    subclass of a non-frozen base, although msgspec allows it.
    """
