from __future__ import annotations

from typing import Literal

from ishenzhen.lib.structs import Struct

__all__ = ["Health"]


class Health(Struct, frozen=True):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable", "not-checked"] = "not-checked"
