from __future__ import annotations

from typing import Literal

from ishenzhen.lib.structs import Struct

__all__ = ["Health", "ServiceIndex"]


class Health(Struct, frozen=True):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable", "not-checked"] = "not-checked"


class ServiceIndex(Struct, frozen=True):
    """What ``GET /`` answers: where to go next."""

    name: str
    version: str
    docs: str
    openapi: str
    health: str
    discovery: str
