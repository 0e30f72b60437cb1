"""The Locust journeys answer a field that an earlier choice made required, as the app does."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "locust"))

from journeys.conditions import holds  # noqa: E402 - the suite's own package lives in locust/


def _components(spec_file: str) -> dict[str, dict]:
    spec = yaml.safe_load(
        (ROOT / "services_catalog" / "render_specs" / spec_file).read_text(encoding="utf-8")
    )
    steps = spec["render_spec"]["form"]["steps"]
    return {c["id"]: c for step in steps for c in step.get("components", []) if "id" in c}


def test_a_trade_name_is_required_once_the_applicant_chooses_to_use_one() -> None:
    trade_name = _components("010300008000440300.yaml")["trade_name"]
    assert holds(trade_name["required_when"], {"has_trade_name": "yes"})
    assert not holds(trade_name["required_when"], {"has_trade_name": "no"})
    assert not holds(trade_name["required_when"], {})


def test_every_kind_of_condition() -> None:
    data = {"kind": "b", "boxes": ["x", "y"], "note": "", "count": 3}
    assert holds({"type": "equals", "field": "boxes", "value": "y"}, data)
    assert holds({"type": "in", "field": "kind", "values": ["a", "b"]}, data)
    assert holds({"type": "filled", "field": "count"}, data)
    assert not holds({"type": "filled", "field": "note"}, data)
    both = [{"type": "equals", "field": "kind", "value": "b"}, {"type": "filled", "field": "note"}]
    assert not holds({"type": "all_of", "conditions": both}, data)
    assert holds({"type": "any_of", "conditions": both}, data)
    assert holds({"type": "not", "condition": both[1]}, data)
    assert not holds(None, data)
