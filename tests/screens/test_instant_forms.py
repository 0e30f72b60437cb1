"""Every instant-approval item's form asks every field its rules read, in the type the rules compare.

Through the form endpoint's own path (``ItemScreens.form``: the item's spec, hand-written or default with the
rule set's declarations, adapted to the app's capabilities): a rule reading a field the citizen's form lacks
can never decide, and every application for the item would go to a clerk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest

from ishenzhen.approvals import RuleSet
from ishenzhen.approvals.catalogue import cached_rule_sets
from ishenzhen.catalog.model import Catalog
from ishenzhen.catalog.rule_form import unasked_fields
from ishenzhen.catalog.service import CatalogStore
from ishenzhen.catalog.snapshot import CatalogSnapshot
from ishenzhen.screens.item_service import ItemScreens
from ishenzhen.ui.capabilities import Capabilities
from ishenzhen.ui.model import Form, WebLink
from tests.screens.conftest import CATALOG_DIR

WEB_FORM = "https://www.gdzwfw.gov.cn/portal/guide/{implementation_code}"
ANNUAL_TAX_LUOHU = "040430001000440303"
FOREIGN_INVESTED_COMPANY = "010300003000440300"


class _Store:
    """What ``ItemScreens`` reads of a catalogue store: its current snapshot."""

    def __init__(self, snapshot: CatalogSnapshot) -> None:
        self.snapshot = snapshot


@pytest.fixture(scope="module")
def rule_sets() -> dict[str, RuleSet]:
    return cached_rule_sets(CATALOG_DIR / "rules")


@pytest.fixture(scope="module")
def screens(full_catalogue: Catalog, rule_sets: dict[str, RuleSet]) -> ItemScreens:
    c = full_catalogue
    instant = [item for item in c.items if item.instant_approval]
    snapshot = CatalogSnapshot.build(1, instant, c.departments, c.districts, c.themes, c.e_licence_types)
    return ItemScreens(cast(CatalogStore, _Store(snapshot)), WEB_FORM, rule_sets=rule_sets)


def _sent_to_the_web(form: Form) -> bool:
    """An app that cannot draw the form gets a link to the web form: it applies there, not through this form."""
    return all(isinstance(c, WebLink) for step in form.steps for c in step.components)


@pytest.mark.parametrize("header", [None, "spec=1.1"], ids=["spec-1.0", "spec-1.1"])
def test_every_instant_items_form_asks_what_its_rules_read(
    screens: ItemScreens, rule_sets: dict[str, RuleSet], header: str | None
) -> None:
    capabilities = Capabilities.parse(header)
    assert len(rule_sets) == 200
    unasked = {}
    on_the_web = []
    for code, rule_set in sorted(rule_sets.items()):
        entry = screens.form(code, "zh-CN", capabilities)
        if _sent_to_the_web(entry.form):
            on_the_web.append(code)
        elif problems := unasked_fields(entry.form, rule_set):
            unasked[f"{code} {rule_set.name}"] = problems
    assert unasked == {}
    # Only 企业设立登记's form (a spec 1.1 repeat of shareholders) is beyond a spec 1.0 app.
    assert on_the_web == ([] if capabilities.spec_version == "1.1" else ["010300001000440300"])
    reading = sum(1 for rule_set in rule_sets.values() if rule_set.form)
    assert reading >= 34  # 30 district tax items and the four enterprise and investment items


def _problems_at(screens: ItemScreens, code: str, answers: dict[str, Any]) -> set[str]:
    entry = screens.form(code, "zh-CN", Capabilities.parse(None))
    return {problem.pointer for problem in screens.validate(entry, answers, dt.date(2026, 12, 4))}


def test_the_tax_year_arrives_as_a_whole_number_within_its_bounds(screens: ItemScreens) -> None:
    entry = screens.form(ANNUAL_TAX_LUOHU, "zh-CN", Capabilities.parse(None))
    step = next(step for step in entry.form.steps if step.id == "application_details")
    assert [getattr(c, "id", None) for c in step.components][1:] == ["tax_year"]
    assert "/tax_year" not in _problems_at(screens, ANNUAL_TAX_LUOHU, {"tax_year": 2025})
    for wrong in (2025.5, "2025", 1999, 2101):
        assert "/tax_year" in _problems_at(screens, ANNUAL_TAX_LUOHU, {"tax_year": wrong}), wrong


def test_the_industry_select_offers_the_negative_list_the_rules_test(
    screens: ItemScreens, rule_sets: dict[str, RuleSet]
) -> None:
    entry = screens.form(FOREIGN_INVESTED_COMPANY, "zh-CN", Capabilities.parse(None))
    (industry,) = [
        c for step in entry.form.steps for c in step.components if getattr(c, "id", None) == "industry"
    ]
    offered = {option.value for option in industry.options}  # type: ignore[attr-defined]
    negative = set(rule_sets[FOREIGN_INVESTED_COMPANY].params["negative_list"])
    assert negative < offered  # both a refusal and an approval can be chosen
    assert "/industry" in _problems_at(screens, FOREIGN_INVESTED_COMPANY, {"industry": "房地产业"})
    assert "/industry" not in _problems_at(screens, FOREIGN_INVESTED_COMPANY, {"industry": "烟草专卖"})
