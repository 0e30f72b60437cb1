"""The handling domain's named queries (``queries.sql``), parsed once for the whole domain: the service
package, the outbox dispatcher and instant approval run them; no other package does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ishenzhen.db.sql import load_queries

__all__ = ["queries"]

# aiosql makes its query methods at run time: typed as Any.
queries: Any = load_queries(Path(__file__).with_name("queries.sql"))
