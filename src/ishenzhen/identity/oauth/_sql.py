"""The oauth' named queries, loaded once for the subpackage; only its service modules run them."""

from __future__ import annotations

from pathlib import Path

from ishenzhen.db.sql import load_queries

__all__ = ["queries"]

queries = load_queries(Path(__file__).with_name("queries.sql"))
