"""The render spec's conditions (``visible_when``, ``required_when``), evaluated as the app does before it sends
a form: a field that a choice made required is answered too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["holds"]


def _filled(value: Any) -> bool:
    return value not in (None, "", [], False)


def holds(condition: Mapping[str, Any] | None, data: Mapping[str, Any]) -> bool:
    """Whether ``condition`` holds for the answers in ``data``; an absent condition never does."""
    if not condition:
        return False
    kind = condition.get("type")
    value = data.get(str(condition.get("field")))
    if kind == "equals":
        wanted = condition.get("value")
        return wanted in value if isinstance(value, list) else value == wanted
    if kind == "in":
        return value in condition.get("values", [])
    if kind == "filled":
        return _filled(value)
    if kind == "all_of":
        return all(holds(part, data) for part in condition.get("conditions", []))
    if kind == "any_of":
        return any(holds(part, data) for part in condition.get("conditions", []))
    if kind == "not":
        return not holds(condition.get("condition"), data)
    return False
