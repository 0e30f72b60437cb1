"""Decision tables for the ten named instant-approval items, edge dates included."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ishenzhen.approvals import Decision, RuleSet, decide
from tests.approvals.conftest import TODAY, clean_credit, facts, licence, person

GRADUATE = "070120001000440300"
INCUMBENT = "070120002000440300"
POSTDOC = "070120003000440300"
RETURNEE = "070120004000440300"
COMPANY = "010300001000440300"
INVESTMENT = "100010001000440300"
RIDE_HAILING = "010200001000440300"
INDIVIDUAL = "010300008000440300"
ELDERLY_FUTIAN = "050080007000440304"
DEREGISTRATION = "010300023000440300"


def _failed(decision: Decision) -> set[str]:
    return {c.id for c in decision.checks if c.result in ("not_met", "undecided")}


# ---- 老龄津贴发放 (福田区): birthdays, leap days, status, district, tiers
def _elder(born: str, on: dt.date = TODAY, **changes: Any) -> Any:
    fields = {
        "birth_date": born,
        "shenzhen_household": True,
        "household_district": "440304",
        "household_years": 30,
    }
    return facts(on=on, applicant=person(**{**fields, **changes}))


@pytest.mark.parametrize(
    ("born", "on", "outcome", "tier"),
    [
        ("1966-12-04", dt.date(2026, 12, 3), "rejected", None),  # the day before the 60th birthday
        ("1966-12-03", dt.date(2026, 12, 3), "approved", "sixty"),  # the 60th birthday itself
        ("1956-12-03", dt.date(2026, 12, 3), "approved", "seventy"),
        ("1956-12-04", dt.date(2026, 12, 3), "approved", "sixty"),  # 69 until tomorrow
        ("1926-12-03", dt.date(2026, 12, 3), "approved", "centenarian"),
        # Born on 29 February: in a common year the birthday falls on 1 March, not 28 February.
        ("1964-02-29", dt.date(2024, 2, 28), "rejected", None),
        ("1964-02-29", dt.date(2024, 2, 29), "approved", "sixty"),  # 2024 is a leap year
        ("1960-02-29", dt.date(2020, 2, 29), "approved", "sixty"),
        ("1966-02-28", dt.date(2026, 2, 28), "approved", "sixty"),
        ("1964-02-29", dt.date(2025, 2, 28), "approved", "sixty"),  # already 60 since 2024
        ("1956-02-29", dt.date(2026, 2, 28), "approved", "sixty"),  # 69 on 28 February 2026 ...
        ("1956-02-29", dt.date(2026, 3, 1), "approved", "seventy"),  # ... 70 on 1 March
    ],
)
def test_elderly_allowance_ages(
    rule_sets: dict[str, RuleSet], born: str, on: dt.date, outcome: str, tier: str | None
) -> None:
    decision = decide(rule_sets[ELDERLY_FUTIAN], {}, _elder(born, on))
    assert (decision.outcome, decision.tier) == (outcome, tier)
    if outcome == "rejected":
        assert _failed(decision) == {"age"} and "未满 60 岁" in decision.reasons_zh[0]
        assert decision.clerk_zh and decision.clerk_en


def test_elderly_allowance_explains_in_chinese_and_english(rule_sets: dict[str, RuleSet]) -> None:
    decision = decide(rule_sets[ELDERLY_FUTIAN], {}, _elder("1964-06-01"))
    assert decision.outcome == "approved" and decision.result == {"monthly_yuan": 100}
    age = next(c for c in decision.checks if c.id == "age")
    assert age.text_zh == "年龄 62 岁，满足 60 岁以上" and age.text_en == "Age 62, at least 60"
    assert age.data == {"applicant.age": 62}
    district = next(c for c in decision.checks if c.id == "household_district")
    assert district.text_zh == "户籍在福田区"


@pytest.mark.parametrize(
    ("changes", "failed"),
    [
        ({"status": "deceased"}, {"alive"}),
        ({"status": "moved_out", "household_district": ""}, {"alive", "household_district"}),
        ({"household_district": "440305"}, {"household_district"}),
        ({"benefits": ["elderly_allowance"]}, {"not_already_receiving"}),
    ],
)
def test_elderly_allowance_rejections(
    rule_sets: dict[str, RuleSet], changes: dict[str, Any], failed: set[str]
) -> None:
    decision = decide(rule_sets[ELDERLY_FUTIAN], {}, _elder("1950-05-05", **changes))
    assert decision.outcome == "rejected" and _failed(decision) == failed
    if "household_district" in failed and changes.get("household_district"):
        assert "户籍在南山区，不在福田区" in " ".join(decision.reasons_zh)


def test_elderly_allowance_missing_or_unavailable_never_approves(rule_sets: dict[str, RuleSet]) -> None:
    rule_set = rule_sets[ELDERLY_FUTIAN]
    no_birth_date = {
        k: v
        for k, v in person(shenzhen_household=True, household_district="440304").items()
        if k != "birth_date"
    }
    assert decide(rule_set, {}, facts(applicant=no_birth_date)).outcome == "manual_review"
    assert decide(rule_set, {}, facts()).outcome == "manual_review"  # no record at all
    down = decide(rule_set, {}, facts(states={"population": "unavailable"}))
    assert down.outcome == "manual_review" and down.reasons_zh == ["人口库暂时无法访问，转人工审核"]
    odd = decide(
        rule_set,
        {},
        _elder("1950-05-05").__class__(
            on=TODAY,
            applicant=_elder("1950-05-05").applicant,
            states={"population": "inconsistent"},
            problems={"population": "name"},
        ),
    )
    assert odd.outcome == "manual_review" and "数据不一致" in odd.reasons_zh[0]


# ---- 应届毕业生接收 and the other talent intakes
def _graduate(**overrides: Any) -> dict[str, Any]:
    namespaces: dict[str, Any] = {
        "applicant": person(birth_date="2002-05-20"),
        "licences": {
            "diploma": licence(issued="2025-07-01"),
            "degree_certificate": licence(issued="2025-07-01", level="bachelor"),
        },
        "credit": clean_credit(),
    }
    namespaces.update(overrides)
    return namespaces


@pytest.mark.parametrize(
    ("overrides", "outcome", "failed"),
    [
        ({}, "approved", set()),
        ({"applicant": person(birth_date="2002-05-20", status="deceased")}, "rejected", {"alive"}),
        (
            {
                "licences": {
                    "diploma": licence(status="revoked", issued="2025-07-01"),
                    "degree_certificate": licence(issued="2025-07-01", level="bachelor"),
                }
            },
            "rejected",
            {"diploma"},
        ),
        (
            {
                "licences": {
                    "diploma": licence(issued="2022-07-01"),
                    "degree_certificate": licence(issued="2022-07-01", level="master"),
                }
            },
            "rejected",
            {"fresh_graduate"},
        ),
        (
            {
                "licences": {
                    "diploma": licence(issued="2024-12-03"),  # exactly two years on the decision day
                    "degree_certificate": licence(issued="2024-12-03", level="master"),
                }
            },
            "approved",
            set(),
        ),
        (
            {
                "licences": {
                    "diploma": licence(issued="2023-12-04"),  # whole years: still 2 the day before the 3rd
                    "degree_certificate": licence(issued="2023-12-04", level="master"),
                }
            },
            "approved",
            set(),
        ),
        (
            {
                "licences": {
                    "diploma": licence(issued="2023-12-03"),  # 3 years on the decision day
                    "degree_certificate": licence(issued="2023-12-03", level="master"),
                }
            },
            "rejected",
            {"fresh_graduate"},
        ),
        (
            {"licences": {"diploma": licence(issued="2025-07-01")}},
            "manual_review",
            {"degree_level"},
        ),  # no degree on file
        (
            {
                "licences": {
                    "diploma": licence(issued="2025-07-01", holder="王晓明"),
                    "degree_certificate": licence(issued="2025-07-01", level="bachelor"),
                }
            },
            "manual_review",
            {"diploma_holder"},
        ),
        ({"credit": clean_credit(dishonest=True)}, "rejected", {"not_dishonest"}),
        (
            {"applicant": person(birth_date="1991-12-03")},
            "rejected",
            {"age_limit"},
        ),  # 35 today: limit is "not over 35"... 35 is fine
        (
            {"applicant": person(birth_date="2002-05-20", shenzhen_household=True)},
            "rejected",
            {"not_yet_shenzhen_household"},
        ),
    ],
)
def test_fresh_graduate_intake(
    rule_sets: dict[str, RuleSet], overrides: dict[str, Any], outcome: str, failed: set[str]
) -> None:
    namespaces = _graduate(**overrides)
    if overrides.get("applicant", {}).get("birth_date") == "1991-12-03":
        # 35 on the decision day is within the limit; a day older than 35 years is still 35: one more year is out.
        assert decide(rule_sets[GRADUATE], {}, facts(**namespaces)).outcome == "approved"
        namespaces["applicant"] = person(birth_date="1990-12-03")
    decision = decide(rule_sets[GRADUATE], {}, facts(**namespaces))
    assert decision.outcome == outcome, decision.reasons_zh
    assert _failed(decision) == failed


def test_incumbent_postdoc_and_returnee(rule_sets: dict[str, RuleSet]) -> None:
    base = _graduate(
        licences={
            "diploma": licence(issued="2015-07-01"),
            "degree_certificate": licence(issued="2015-07-01", level="bachelor"),
        },
        applicant=person(birth_date="1992-05-20", social_insurance_months=36),
    )
    assert decide(rule_sets[INCUMBENT], {}, facts(**base)).outcome == "approved"
    no_insurance = {**base, "applicant": person(birth_date="1992-05-20", social_insurance_months=0)}
    assert _failed(decide(rule_sets[INCUMBENT], {}, facts(**no_insurance))) == {"social_insurance"}
    criminal = {**base, "credit": clean_credit(criminal_record=True)}
    assert decide(rule_sets[INCUMBENT], {}, facts(**criminal)).outcome == "rejected"

    postdoc = _graduate(
        applicant=person(birth_date="1994-01-01"),
        licences={
            "degree_certificate": licence(issued="2024-06-30", level="doctor"),
            "postdoctoral_certificate": licence(issued="2024-09-01"),
        },
    )
    assert decide(rule_sets[POSTDOC], {}, facts(**postdoc)).outcome == "approved"
    master = {
        **postdoc,
        "licences": {
            **postdoc["licences"],
            "degree_certificate": licence(issued="2024-06-30", level="master"),
        },
    }
    assert _failed(decide(rule_sets[POSTDOC], {}, facts(**master))) == {"doctorate"}
    expired = {
        **postdoc,
        "licences": {
            **postdoc["licences"],
            "postdoctoral_certificate": licence(issued="2020-09-01", expires_on="2026-12-02"),
        },
    }
    assert _failed(decide(rule_sets[POSTDOC], {}, facts(**expired))) == {"postdoctoral_certificate"}

    returnee = _graduate(
        licences={"overseas_degree_certification": licence(issued="2023-03-01", level="master")}
    )
    assert decide(rule_sets[RETURNEE], {}, facts(**returnee)).outcome == "approved"
    old = _graduate(licences={"overseas_degree_certification": licence(issued="2016-03-01", level="master")})
    assert _failed(decide(rule_sets[RETURNEE], {}, facts(**old))) == {"returned_recently"}


# ---- market entry: 企业设立登记, 个体工商户设立登记
def _address(district: str) -> dict[str, Any]:
    """The address fields of both forms as the app sends them: the company's domicile, the shop's premises."""
    address = {"district": district, "detail": "粤海街道科技园科苑路 8 号"}
    return {"domicile": address, "premises": address}


@pytest.mark.parametrize("item", [COMPANY, INDIVIDUAL])
@pytest.mark.parametrize(
    ("changes", "outcome", "failed"),
    [
        ({}, "approved", set()),
        ({"name_check": {"available": False}}, "rejected", {"name_available"}),
        ({"credit": clean_credit(barred_from_management=True)}, "rejected", {"not_barred"}),
        ({"credit": clean_credit(dishonest=True)}, "rejected", {"not_dishonest"}),
        (
            {"form": {**_address("440106"), "registered_capital": 100}},
            "rejected",
            {"address_in_shenzhen"},
        ),
        ({"applicant": person(birth_date="2008-12-04")}, "rejected", {"age_minimum"}),  # 18 tomorrow
        ({"applicant": person(birth_date="2008-12-03")}, "approved", set()),  # 18 today
        ({"name_check": None}, "manual_review", {"name_available"}),
    ],
)
def test_market_entry(
    rule_sets: dict[str, RuleSet], item: str, changes: dict[str, Any], outcome: str, failed: set[str]
) -> None:
    changes = dict(changes)  # the table is shared by both items
    form = changes.pop("form", {**_address("440305"), "registered_capital": 100})
    namespaces = {
        "applicant": person(birth_date="1985-01-01"),
        "name_check": {"available": True},
        "credit": clean_credit(),
    }
    namespaces.update(changes)
    decision = decide(rule_sets[item], form, facts(**namespaces))
    assert (decision.outcome, _failed(decision)) == (outcome, failed)


def test_company_needs_capital_above_zero(rule_sets: dict[str, RuleSet]) -> None:
    namespaces = {
        "applicant": person(birth_date="1985-01-01"),
        "name_check": {"available": True},
        "credit": clean_credit(),
    }
    decision = decide(
        rule_sets[COMPANY], {**_address("440305"), "registered_capital": 0}, facts(**namespaces)
    )
    assert _failed(decision) == {"capital"}
    missing = decide(rule_sets[COMPANY], _address("440305"), facts(**namespaces))
    assert missing.outcome == "manual_review"  # a form field the rules need but did not get


# ---- 企业注销登记 and 社会投资项目备案: an enterprise deregistered between submission and decision
def _enterprise(**changes: Any) -> dict[str, Any]:
    base = {
        "name": "深圳市示例科技有限公司",
        "type": "limited_company",
        "status": "operating",
        "legal_representative_id": "440305200001011234",
        "district": "440305",
        "established_on": "2019-06-18",
        "tax_cleared": True,
        "pending_cases": 0,
        "registered_capital": 500,
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("enterprise", "credit", "outcome", "failed"),
    [
        (_enterprise(), clean_credit(), "approved", set()),
        (_enterprise(status="deregistered"), clean_credit(), "rejected", {"not_deregistered"}),
        (
            _enterprise(status="revoked"),
            clean_credit(),
            "approved",
            set(),
        ),  # a revoked licence still deregisters
        (_enterprise(tax_cleared=False), clean_credit(), "rejected", {"tax_cleared"}),
        (_enterprise(pending_cases=2), clean_credit(), "manual_review", {"no_pending_cases"}),
        (
            _enterprise(legal_representative_id="440303198503120017"),
            clean_credit(),
            "rejected",
            {"legal_representative"},
        ),
        (_enterprise(), clean_credit(abnormal_operation=True), "manual_review", {"not_abnormal"}),
    ],
)
def test_deregistration(
    rule_sets: dict[str, RuleSet],
    enterprise: dict[str, Any],
    credit: dict[str, Any],
    outcome: str,
    failed: set[str],
) -> None:
    decision = decide(
        rule_sets[DEREGISTRATION], {}, facts(applicant=person(), enterprise=enterprise, credit=credit)
    )
    assert (decision.outcome, _failed(decision)) == (outcome, failed)


def test_investment_filing_enterprise_deregistered_after_submission(rule_sets: dict[str, RuleSet]) -> None:
    form = {
        "industry": "软件和信息技术服务业",
        "total_investment": 5000,
        "location": {"district": "440304", "detail": "福田区深南大道 1 号"},
    }
    rule_set = rule_sets[INVESTMENT]
    at_submission = decide(rule_set, form, facts(enterprise=_enterprise(), credit=clean_credit()))
    assert at_submission.outcome == "approved"
    # The rules run on the facts fetched at decision time: the enterprise was deregistered in between.
    at_decision = decide(
        rule_set, form, facts(enterprise=_enterprise(status="deregistered"), credit=clean_credit())
    )
    assert at_decision.outcome == "rejected" and _failed(at_decision) == {"enterprise_operating"}
    assert "已注销" in at_decision.reasons_zh[0]
    prohibited = decide(
        rule_set, {**form, "industry": "高尔夫球场"}, facts(enterprise=_enterprise(), credit=clean_credit())
    )
    assert _failed(prohibited) == {"not_prohibited"}
    too_big = decide(
        rule_set,
        {**form, "total_investment": 2_000_000},
        facts(enterprise=_enterprise(), credit=clean_credit()),
    )
    assert too_big.outcome == "manual_review"


# ---- 网约车驾驶员证
@pytest.mark.parametrize(
    ("changes", "outcome", "failed"),
    [
        ({}, "approved", set()),
        (
            {"licences": {"driving_licence": licence(issued="2024-12-04")}},
            "rejected",
            {"driving_years"},
        ),  # 1 day short
        ({"licences": {"driving_licence": licence(issued="2023-12-03")}}, "approved", set()),  # 3 years today
        (
            {"licences": {"driving_licence": licence(status="revoked", issued="2010-01-01")}},
            "rejected",
            {"driving_licence"},
        ),
        (
            {"licences": {"driving_licence": licence(issued="2010-01-01", expires_on="2026-12-02")}},
            "rejected",
            {"driving_licence"},
        ),
        ({"credit": clean_credit(serious_traffic_violations=1)}, "rejected", {"no_serious_violations"}),
        ({"credit": clean_credit(criminal_record=True)}, "rejected", {"no_criminal_record"}),
        (
            {"applicant": person(birth_date="1965-12-02", shenzhen_household=True)},
            "rejected",
            {"age_limit"},
        ),  # 61
        ({"applicant": person(birth_date="1966-12-04", shenzhen_household=True)}, "approved", set()),  # 59
        (
            {"applicant": person(birth_date="1985-01-01", shenzhen_household=False)},
            "rejected",
            {"shenzhen_resident"},
        ),
        (
            {
                "applicant": person(birth_date="1985-01-01"),
                "licences": {
                    "driving_licence": licence(issued="2010-01-01"),
                    "residence_permit": licence(issued="2025-01-01", expires_on="2028-01-01"),
                },
            },
            "approved",
            set(),
        ),
        ({"credit": None}, "manual_review", {"no_serious_violations", "no_criminal_record"}),
    ],
)
def test_ride_hailing_driver(
    rule_sets: dict[str, RuleSet], changes: dict[str, Any], outcome: str, failed: set[str]
) -> None:
    namespaces = {
        "applicant": person(birth_date="1985-01-01", shenzhen_household=True),
        "licences": {"driving_licence": licence(issued="2010-01-01")},
        "credit": clean_credit(),
    }
    namespaces.update(changes)
    decision = decide(rule_sets[RIDE_HAILING], {}, facts(**namespaces))
    assert (decision.outcome, _failed(decision)) == (outcome, failed)
