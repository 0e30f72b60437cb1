"""The one documented base for every request and response body.

New fields are added with defaults so older app versions keep decoding what we send, and unknown fields
from newer clients are ignored rather than refused.
"""

from __future__ import annotations

import msgspec

__all__ = ["Struct"]


class Struct(msgspec.Struct, kw_only=True):
    """Base class of every body: keyword-only fields, JSON keys as named in Python."""
