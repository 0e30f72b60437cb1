"""Rule sets from the catalogue, loaded once, and builders of facts for decision tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ishenzhen.approvals import Facts, RuleSet, load_rule_sets

RULES = Path(__file__).resolve().parents[2] / "services_catalog" / "rules"
TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="session")
def rule_sets() -> dict[str, RuleSet]:
    return load_rule_sets(RULES)


def licence(
    status: str = "valid", issued: str = "2020-07-01", holder: str = "王小明", **extra: Any
) -> dict[str, Any]:
    return {"status": status, "issued_on": issued, "holder_name": holder, **extra}


def person(**changes: Any) -> dict[str, Any]:
    base = {
        "id_number": "440305200001011234",
        "name": "王小明",
        "sex": "male",
        "birth_date": "2000-01-01",
        "status": "alive",
        "shenzhen_household": False,
        "household_district": "",
        "household_years": 0,
        "social_insurance_months": 24,
        "benefits": [],
        "spouse_id": "",
    }
    base.update(changes)
    return base


def clean_credit(**changes: Any) -> dict[str, Any]:
    base = {
        "dishonest": False,
        "criminal_record": False,
        "barred_from_management": False,
        "serious_traffic_violations": 0,
        "abnormal_operation": False,
        "rating": "A",
    }
    base.update(changes)
    return base


def facts(on: dt.date = TODAY, **namespaces: Any) -> Facts:
    return Facts(on=on, **namespaces)
