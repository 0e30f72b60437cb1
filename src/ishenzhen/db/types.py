"""The one type for "what a query runs on", so services accept a pooled connection and a plain one alike."""

from __future__ import annotations

from typing import TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

__all__ = ["Connection"]

# ``pool.acquire()`` hands out a proxy that forwards to a real connection; asyncpg's stubs type the two
# apart, and services take either (a transaction the caller owns, or one connection of a pool).
Connection: TypeAlias = asyncpg.Connection | PoolConnectionProxy
