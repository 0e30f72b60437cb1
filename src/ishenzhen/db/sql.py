"""Named SQL queries, loaded once from each domain's ``queries.sql`` (aiosql)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import aiosql
from aiosql.queries import Queries

__all__ = ["load_queries"]


@cache
def load_queries(path: str | Path) -> Queries:
    """Parse a ``.sql`` file of ``-- name:`` blocks once; calls take an asyncpg connection first."""
    return aiosql.from_path(Path(path), "asyncpg")
