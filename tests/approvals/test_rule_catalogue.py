"""Every instant-approval item in the catalogue carries a rule set that registers, and no other item does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ishenzhen.approvals import RuleSet, RuleSetInvalid
from ishenzhen.approvals.catalogue import load_rule_sets, parse_family
from tests.approvals.conftest import RULES

CATALOGUE = RULES.parent / "items"


def _instant_items() -> dict[str, str]:
    """Code -> name of every instant item, read line by line: a full YAML load of 7,484 items takes seconds."""
    found: dict[str, str] = {}
    code = name = ""
    for path in sorted(CATALOGUE.glob("*.yaml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("- code: "):
                code = line.removeprefix("- code: ").strip("'\"")
            elif line.startswith("  name: "):
                name = line.removeprefix("  name: ").strip("'\"")
            elif line == "  instant_approval: true":
                found[code] = name
    return found


def test_all_200_instant_items_have_a_rule_set(rule_sets: dict[str, RuleSet]) -> None:
    instant = _instant_items()
    assert len(instant) == 200
    assert set(rule_sets) == set(instant)
    for code, rule_set in rule_sets.items():
        assert rule_set.name.startswith(instant[code]), (code, rule_set.name)
        assert rule_set.conditions and rule_set.clerk.zh and rule_set.clerk.en
        assert rule_set.needs, f"{code} reads no platform data"


def test_families_share_templates(rule_sets: dict[str, RuleSet]) -> None:
    families = list(RULES.glob("*.yaml"))
    assert len(families) < 30  # 200 items, a few dozen templates at most
    elderly = [r for r in rule_sets.values() if r.name.startswith("老龄津贴发放")]
    assert len(elderly) == 10 and len({r.params["district"] for r in elderly}) == 10


def test_an_item_in_two_families_is_refused(tmp_path: Path) -> None:
    text = (RULES / "market-exit.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetInvalid) as caught:
        load_rule_sets(tmp_path)
    assert any("item twice" in e.reason for e in caught.value.errors)


def test_family_problems_point_into_the_family_file() -> None:
    document = yaml.safe_load((RULES / "talent-support.yaml").read_text(encoding="utf-8"))
    document["items"][1]["conditions"][0]["when"] = "licences.marriage_certificate.colour == 'red'"
    document["items"][0]["params"] = {"max_age": "thirty"}
    with pytest.raises(RuleSetInvalid) as caught:
        parse_family(yaml.safe_dump(document, allow_unicode=True), "talent-support.yaml")
    names = {e.name for e in caught.value.errors}
    assert "talent-support.yaml#/items/0/params/max_age" in names
    document["items"][0]["params"] = {}
    with pytest.raises(RuleSetInvalid) as caught:
        parse_family(yaml.safe_dump(document, allow_unicode=True), "talent-support.yaml")
    assert [e.name for e in caught.value.errors] == ["talent-support.yaml#/items/1/conditions/0/when"]
    assert "unknown field" in caught.value.errors[0].reason
