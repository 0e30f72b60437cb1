"""One thing wrong with the catalogue's source files, wherever it was found."""

from __future__ import annotations

import msgspec

__all__ = ["Problem"]


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """One thing wrong with the catalogue. ``line`` is 1-based; None when the problem has no single place."""

    file: str
    line: int | None
    item_code: str | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{place}: {self.item_code or '-'} {self.field or '-'}: {self.reason}"
