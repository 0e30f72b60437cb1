"""The catalogue's named queries (``queries.sql``), parsed once for the whole domain.

Every module of the domain that runs SQL imports ``queries`` from here; no module hands a query set to another.
"""

from __future__ import annotations

from pathlib import Path

from ishenzhen.db.sql import load_queries

__all__ = ["queries"]

queries = load_queries(Path(__file__).with_name("queries.sql"))
