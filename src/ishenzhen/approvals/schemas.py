"""What a decision looks like: the outcome, every check with the data it used, and the words for the citizen."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from ishenzhen.lib.structs import Struct

__all__ = ["Check", "Decision", "Outcome"]

Outcome = Literal["approved", "rejected", "manual_review"]


class Check(Struct, frozen=True):
    """One condition (or source) and how it came out, with the facts it read (``path`` -> value)."""

    id: str
    result: Literal["met", "not_met", "undecided", "not_applicable"]
    data: dict[str, Any]
    text_zh: str
    text_en: str


class Decision(Struct, frozen=True):
    outcome: Outcome
    item: str
    rule_set_version: int
    decided_on: str
    checks: list[Check]
    # Why it was not approved, in the citizen's language, one line per failed or undecided check.
    reasons_zh: list[str] = msgspec.field(default_factory=list)
    reasons_en: list[str] = msgspec.field(default_factory=list)
    # How to apply with a clerk instead (rejected and manual review).
    clerk_zh: str = ""
    clerk_en: str = ""
    tier: str | None = None
    result: dict[str, str | int | bool] = msgspec.field(default_factory=dict)
