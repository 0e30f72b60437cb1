"""Named SQL queries, loaded once from each domain's ``queries.sql`` (aiosql)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Protocol, cast

import aiosql

__all__ = ["QuerySet", "load_queries", "queries"]


class QuerySet(Protocol):
    """aiosql's ``Queries``: one coroutine function per ``-- name:`` block, found by attribute.

    aiosql makes those attributes at run time, from the file; its own ``Queries`` type declares none, so the
    type checker is told that any attribute is a query (a wrong name fails on first call, and in the tests).
    """

    def __getattr__(self, name: str) -> Any: ...


@cache
def load_queries(path: str | Path) -> QuerySet:
    """Parse a ``.sql`` file of ``-- name:`` blocks once; calls take an asyncpg connection first."""
    return cast(QuerySet, aiosql.from_path(Path(path), "asyncpg"))


# The db package's own queries (migrations bookkeeping, the advisory lock), loaded once like a domain's.
queries = load_queries(Path(__file__).with_name("queries.sql"))
