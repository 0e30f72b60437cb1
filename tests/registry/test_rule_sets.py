"""Rule sets in registry versions: checked when a department writes the item, published with it, evaluated."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.approvals.rule_set import RuleSet, expand_family
from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.catalog.source.item_checks import ItemReferences
from ishenzhen.errors import InvalidInput
from ishenzhen.registry._validation import MAX_RULE_SET_BYTES, validate_item
from ishenzhen.registry.rule_sets import current_rule_set
from tests.registry.conftest import NEW_ITEM_CODE, Token, as_json, bearer, eventually

Client = AsyncTestClient[Litestar]
ITEMS = "/v1/registry/items"
RULES = Path(__file__).parents[2] / "services_catalog" / "rules"


@pytest.fixture(scope="module")
def references(source_catalog: Catalog) -> ItemReferences:
    return ItemReferences(
        departments={d.slug: d for d in source_catalog.departments},
        themes={t.code for t in source_catalog.themes},
        licences={e.code for e in source_catalog.e_licence_types},
        districts={d.code for d in source_catalog.districts},
    )


@pytest.fixture(scope="module")
def rule_document() -> dict[str, Any]:
    """The graduate-intake template, as a department would register it for the new item."""
    (document,) = expand_family(yaml.safe_load((RULES / "talent-graduate.yaml").read_text(encoding="utf-8")))
    return {**document, "item": NEW_ITEM_CODE, "name": "知青档案查询（秒批试点）"}


def with_rules(item: ServiceItem, rule_set: Any, **changes: Any) -> dict[str, Any]:
    return as_json(item, instant_approval=True, rule_set=rule_set, **changes)


def problems(raw: Any, references: ItemReferences) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        validate_item(raw, references, department="archives")
    return {error.name: error.reason for error in caught.value.errors}


def test_a_sound_rule_set_is_part_of_the_item(
    new_item: ServiceItem, references: ItemReferences, rule_document: dict[str, Any]
) -> None:
    item = validate_item(with_rules(new_item, rule_document), references, department="archives")
    assert item.rule_set == rule_document


def test_unknown_fields_type_errors_and_unreachable_branches_point_into_the_rule_set(
    new_item: ServiceItem, references: ItemReferences, rule_document: dict[str, Any]
) -> None:
    bad = copy.deepcopy(rule_document)
    bad["colour"] = "red"
    bad["conditions"][0]["when"] = "applicant.shoe_size > 40"  # no such fact
    bad["conditions"][1]["when"] = "licences.diploma.status + 1"  # text plus a number
    bad["conditions"][2]["when"] = "1 == 1"  # can never fail: not a condition
    found = problems(with_rules(new_item, bad), references)
    assert "/rule_set/colour" in found
    assert {
        "/rule_set/conditions/0/when",
        "/rule_set/conditions/1/when",
        "/rule_set/conditions/2/when",
    } <= set(found), found


def _reading_the_tax_year(rule_document: dict[str, Any], declaration: Any) -> dict[str, Any]:
    document = copy.deepcopy(rule_document)
    document["form"] = {"tax_year": declaration}
    document["conditions"].append(
        {
            "id": "tax_year",
            "when": "form.tax_year < decision.year",
            "met": {"zh": "纳税年度 {form.tax_year}", "en": "Tax year {form.tax_year}"},
            "not_met": {
                "zh": "纳税年度 {form.tax_year} 尚未结束",
                "en": "Tax year {form.tax_year} is not over",
            },
        }
    )
    return document


def test_a_form_field_the_default_form_cannot_ask_is_refused_at_its_declaration(
    new_item: ServiceItem, references: ItemReferences, rule_document: dict[str, Any]
) -> None:
    assert new_item.render_spec is None  # the applicant would get the default form
    found = problems(with_rules(new_item, _reading_the_tax_year(rule_document, "int")), references)
    assert set(found) == {"/rule_set/form/tax_year"} and "label" in found["/rule_set/form/tax_year"]
    declared = {"type": "int", "label": "纳税年度", "label_en": "Tax year", "minimum": 2000, "maximum": 2100}
    document = _reading_the_tax_year(rule_document, declared)
    item = validate_item(with_rules(new_item, document), references, department="archives")
    assert item.rule_set == document


def test_a_hand_written_form_must_ask_what_the_rules_read(
    new_item: ServiceItem, references: ItemReferences, rule_document: dict[str, Any], source_catalog: Catalog
) -> None:
    # A hand-written spec that has no tax year: the declaration's label does not help, the form is the item's.
    spec = next(item.render_spec for item in source_catalog.items if item.render_spec is not None)
    declared = {"type": "int", "label": "纳税年度"}
    raw = with_rules(new_item, _reading_the_tax_year(rule_document, declared))
    raw["render_spec"] = msgspec.to_builtins(spec)
    found = problems(raw, references)
    assert found.get("/rule_set/form/tax_year", "").startswith("表单没有此字段"), found


def test_a_rule_set_belongs_to_its_item_to_an_instant_approval_item_and_is_bounded(
    new_item: ServiceItem, references: ItemReferences, rule_document: dict[str, Any]
) -> None:
    other = {**rule_document, "item": "070120001000440300"}
    assert set(problems(with_rules(new_item, other), references)) == {"/rule_set/item"}
    not_instant = as_json(new_item, instant_approval=False, rule_set=rule_document)
    assert "instant-approval" in problems(not_instant, references)["/rule_set"]
    huge = {**rule_document, "name": "规" * 10, "padding": "x" * MAX_RULE_SET_BYTES}
    assert "at most" in problems(with_rules(new_item, huge), references)["/rule_set"]
    assert set(problems(with_rules(new_item, ["not", "an", "object"]), references)) == {"/rule_set"}


expression_text = st.one_of(
    st.text(max_size=120),
    st.lists(
        st.sampled_from(
            [
                "applicant.age",
                "params.max_age",
                ">=",
                "&&",
                "||",
                "!",
                "(",
                ")",
                "1",
                '"x"',
                "size(",
                "licences.diploma.status",
                "==",
                "in",
                "params.levels",
                ".",
                "[",
                "]",
                "2147483648",
            ]
        ),
        max_size=20,
    ).map(" ".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(when=expression_text, index=st.integers(min_value=0, max_value=5))
def test_any_rule_text_is_accepted_or_refused_with_pointers_never_crashes(
    new_item: ServiceItem, references: ItemReferences, rule_document: dict[str, Any], when: str, index: int
) -> None:
    document = copy.deepcopy(rule_document)
    document["conditions"][index % len(document["conditions"])]["when"] = when
    try:
        validate_item(with_rules(new_item, document), references, department="archives")
    except InvalidInput as exc:
        assert exc.errors and all(error.name.startswith("/rule_set") for error in exc.errors)


async def test_a_published_rule_set_is_what_approvals_evaluate(
    client: Client,
    token: Token,
    new_item: ServiceItem,
    references: ItemReferences,
    rule_document: dict[str, Any],
) -> None:
    archives = await token("archives")
    bad = {**rule_document, "conditions": [{"id": "x", "when": "applicant.age >"}]}
    refused = await client.post(ITEMS, json=with_rules(new_item, bad), headers=bearer(archives))
    assert refused.status_code == 422 and refused.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert any(e["name"].startswith("/rule_set/conditions/0") for e in refused.json()["errors"]), refused.text
    created = await client.post(ITEMS, json=with_rules(new_item, rule_document), headers=bearer(archives))
    assert created.status_code == 201, created.text
    assert created.json()["document"]["rule_set"] == rule_document
    assert current_rule_set(client.app.state.rule_sets, NEW_ITEM_CODE) is None  # a draft is not in force
    submitted = await client.post(
        f"{ITEMS}/{NEW_ITEM_CODE}/draft/submit",
        json={},
        headers=bearer(archives, **{"If-Match": created.headers["etag"]}),
    )
    assert submitted.status_code == 200, submitted.text
    reviewer = await token("reviewer", "registry:review")
    approved = await client.post(
        f"{ITEMS}/{NEW_ITEM_CODE}/versions/1/approve", json={}, headers=bearer(reviewer)
    )
    assert approved.json()["status"] == "published", approved.text

    async def in_force() -> bool:
        return current_rule_set(client.app.state.rule_sets, NEW_ITEM_CODE) is not None

    await eventually(in_force)
    rule_set = current_rule_set(client.app.state.rule_sets, NEW_ITEM_CODE)
    assert isinstance(rule_set, RuleSet) and rule_set.name == "知青档案查询（秒批试点）"
    assert [c.id for c in rule_set.conditions] == [c["id"] for c in rule_document["conditions"]]
    # The public catalogue shows the item, not its rules' internals.
    public = (await client.get(f"/v1/catalog/items/{NEW_ITEM_CODE}")).json()
    assert "rule_set" not in public and msgspec.json.encode(public)
    # Items without a published rule set still get the city's template.
    assert current_rule_set(client.app.state.rule_sets, "070120001000440300") is not None
