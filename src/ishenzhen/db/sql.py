"""Named SQL queries, loaded once from each domain's ``queries.sql`` (aiosql)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import aiosql

__all__ = ["load_queries"]


@cache
def load_queries(path: str | Path) -> Any:
    """Parse a ``.sql`` file of ``-- name:`` blocks once; calls take an asyncpg connection first.

    The answer is typed ``Any``: aiosql adds one method per ``-- name:`` block at run time, so a type checker
    cannot know them, and declaring ``aiosql.queries.Queries`` would only make every call an error.
    """
    return aiosql.from_path(Path(path), "asyncpg")
