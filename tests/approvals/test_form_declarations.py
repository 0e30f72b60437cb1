"""A rule set's ``form:`` declarations: the short type, or what a form needs to ask the field."""

from __future__ import annotations

from typing import Any

import pytest

from ishenzhen.approvals import Choice, FormField, RuleSet, RuleSetInvalid, check_choices, register
from ishenzhen.approvals.rule_set import Text

ITEM = "040430001000440303"


def _document(form: dict[str, Any], when: str = "form.industry in params.negative_list") -> dict[str, Any]:
    return {
        "item": ITEM,
        "params": {"negative_list": ["烟草专卖", "新闻出版"]},
        "form": form,
        "conditions": [
            {
                "id": "open",
                "when": f"!({when})",
                "met": {"zh": "行业开放", "en": "Open"},
                "not_met": {"zh": "行业受限", "en": "Restricted"},
            }
        ],
        "clerk": {"zh": "到窗口办理", "en": "See a clerk"},
    }


def _problems(document: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(RuleSetInvalid) as caught:
        register(document)
    return {error.name: error.reason for error in caught.value.errors}


def test_the_short_declaration_is_a_type_without_a_label() -> None:
    rule_set = register(_document({"industry": "string"}))
    assert rule_set.form == {"industry": "string"}
    assert rule_set.form_fields == (FormField("industry", "string"),)


def test_the_long_declaration_carries_label_bounds_and_choices() -> None:
    document = _document(
        {
            "industry": {
                "type": "string",
                "label": "所属行业",
                "label_en": "Industry",
                "choices": [
                    "制造业",
                    {"value": "烟草专卖", "label": "烟草专卖（限制）", "label_en": "Tobacco"},
                ],
            },
            "tax_year": {"type": "int", "label": "纳税年度", "minimum": 2000, "maximum": 2100},
        }
    )
    rule_set = register(document)
    assert rule_set.form == {"industry": "string", "tax_year": "int"}
    industry, tax_year = rule_set.form_fields
    assert industry.label == Text("所属行业", "Industry")
    assert industry.choices == (
        Choice("制造业", Text("制造业", "制造业")),
        Choice("烟草专卖", Text("烟草专卖（限制）", "Tobacco")),
    )
    assert (tax_year.label, tax_year.minimum, tax_year.maximum) == (Text("纳税年度", "纳税年度"), 2000, 2100)


def test_declaration_problems_point_at_their_keys() -> None:
    found = _problems(
        _document(
            {
                "industry": {"type": "string", "label_en": "Industry", "minimum": 1, "colour": "red"},
                "tax_year": {"type": "int", "label": "纳税年度", "minimum": 2100, "maximum": 2000},
                "size": {"type": "int", "label": "规模", "choices": ["a"]},
                "kind": {"type": "string", "label": "类别", "choices": ["a", "a"]},
                "other": {"type": "float"},
            }
        )
    )
    assert {
        "/form/industry/colour",
        "/form/industry/label",
        "/form/industry",
        "/form/tax_year/maximum",
        "/form/size/choices",
        "/form/kind/choices/1/value",
        "/form/other/type",
    } <= set(found), found


def test_choices_are_all_a_form_can_send_so_a_list_none_of_them_is_on_cannot_refuse() -> None:
    # Offered only open industries, the negative-list condition could never fail: refused at registration.
    closed_out = _document(
        {"industry": {"type": "string", "label": "所属行业", "choices": ["制造业", "金融业"]}}
    )
    assert "always met" in _problems(closed_out)["/conditions/0/when"]
    offered = _document(
        {"industry": {"type": "string", "label": "所属行业", "choices": ["制造业", "烟草专卖"]}}
    )
    assert register(offered).form_fields[0].choices[1].value == "烟草专卖"


def test_a_hand_written_forms_options_are_checked_the_same_way() -> None:
    rule_set: RuleSet = register(_document({"industry": "string"}))
    assert check_choices(rule_set, {"industry": ["制造业", "烟草专卖"]}) == []
    (problem,) = check_choices(rule_set, {"industry": ["C", "D"]})
    assert problem.name == "/conditions/0/when" and "always met" in problem.reason
    assert check_choices(rule_set, {"not_read": ["x"]}) == []
