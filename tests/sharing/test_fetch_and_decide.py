"""Facts fetched from the platform in parallel, then decided: sources down, slow or inconsistent go to a clerk."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import asyncpg
import pytest

from ishenzhen.approvals import RuleSet, decide, load_rule_sets
from ishenzhen.sharing import PlatformClient, fetch_facts, verify_log
from ishenzhen.sharing.access_log import AuditKey
from ishenzhen.sharing.service import DEVELOPMENT_AUDIT_KEY
from ishenzhen_simulators.data_platform.app import Knobs
from ishenzhen_simulators.data_platform.registers import City
from tests.sharing.conftest import basis, find_person

RULES = Path(__file__).resolve().parents[2] / "services_catalog" / "rules"
GRADUATE = "070120001000440300"
ELDERLY_FUTIAN = "050080007000440304"
DEREGISTRATION = "010300023000440300"


@pytest.fixture(scope="module")
def rule_sets() -> dict[str, RuleSet]:
    return load_rule_sets(RULES)


def _elder_in_futian(city: City) -> str:
    return find_person(
        city,
        lambda p, _: (
            p["status"] == "alive"
            and p["household_district"] == "440304"
            and p["birth_date"] < "1950-01-01"
            and not p["benefits"]
        ),
    )


async def test_facts_for_an_elder_and_an_approval(
    platform: PlatformClient, city: City, rule_sets: dict[str, RuleSet]
) -> None:
    number = _elder_in_futian(city)
    fetched = await platform.fetch_facts(
        rule_sets[ELDERLY_FUTIAN], basis=basis(ELDERLY_FUTIAN), on=city.today, person=number
    )
    assert [(p.source, p.outcome) for p in fetched.pulls] == [("population", "ok")]
    # Only the fields the rules read were asked for, and the log names them, not their values.
    assert fetched.pulls[0].fields == ("benefits", "birth_date", "household_district", "status")
    assert set(fetched.facts.applicant or {}) <= {
        "id_number",
        "benefits",
        "birth_date",
        "household_district",
        "status",
    }
    decision = decide(rule_sets[ELDERLY_FUTIAN], {}, fetched.facts)
    assert decision.outcome == "approved" and decision.result["monthly_yuan"] >= 200


async def test_graduate_pulls_three_sources_in_parallel(
    platform: PlatformClient, city: City, knobs: Knobs, rule_sets: dict[str, RuleSet]
) -> None:
    number = find_person(city, lambda p, lic: any(x["type"] == "diploma" for x in lic))
    knobs.delays.update(population=100, e_licence=100, credit=100)
    for source in ("population", "e_licence", "credit"):
        knobs.modes[source] = "slow"
    started = time.perf_counter()
    fetched = await PlatformClient.fetch_facts(
        platform, rule_sets[GRADUATE], basis=basis(), on=city.today, person=number
    )
    elapsed = time.perf_counter() - started
    assert sorted(p.source for p in fetched.pulls) == ["credit", "e_licence", "population"]
    assert elapsed < 0.28, elapsed  # three 100 ms sources answered together, not one after another
    assert fetched.facts.licences is not None and "diploma" in fetched.facts.licences
    assert decide(rule_sets[GRADUATE], {}, fetched.facts).outcome in ("approved", "rejected", "manual_review")


@pytest.mark.parametrize("mode", ["down", "slow", "inconsistent"])
async def test_a_bad_source_means_manual_review(
    platform: PlatformClient, city: City, knobs: Knobs, rule_sets: dict[str, RuleSet], mode: str
) -> None:
    number = _elder_in_futian(city)
    knobs.modes["population"] = mode
    knobs.delays["population"] = 2000 if mode == "slow" else 0
    started = time.perf_counter()
    fetched = await platform.fetch_facts(
        rule_sets[ELDERLY_FUTIAN], basis=basis(ELDERLY_FUTIAN), on=city.today, person=number
    )
    assert time.perf_counter() - started < 1.0  # the 0.3 s timeout bounds a slow source
    expected = "inconsistent" if mode == "inconsistent" else "unavailable"
    assert fetched.pulls[0].outcome == expected and fetched.facts.states["population"] == expected
    decision = decide(rule_sets[ELDERLY_FUTIAN], {}, fetched.facts)
    assert decision.outcome == "manual_review"
    assert decision.checks[0].id == "source.population" and decision.clerk_zh


async def test_enterprise_deregistered_before_decision(
    platform: PlatformClient, city: City, rule_sets: dict[str, RuleSet]
) -> None:
    code = next(
        city.credit_code(i)
        for i in range(5000)
        if (e := city.enterprise(city.credit_code(i)))
        and e["status"] == "deregistered"
        and e["type"] == "limited_company"
    )
    enterprise = city.enterprise(code)
    assert enterprise is not None
    fetched = await platform.fetch_facts(
        rule_sets[DEREGISTRATION],
        basis=basis(DEREGISTRATION),
        on=city.today,
        person=enterprise["legal_representative_id"],
        enterprise=code,
    )
    assert {p.source for p in fetched.pulls} == {"population", "legal_person", "credit"}
    decision = decide(rule_sets[DEREGISTRATION], {}, fetched.facts)
    assert decision.outcome == "rejected" and "not_deregistered" in {
        c.id for c in decision.checks if c.result == "not_met"
    }


async def test_pulls_are_logged_either_way_and_the_chain_verifies(
    platform: PlatformClient, city: City, knobs: Knobs, rule_sets: dict[str, RuleSet], db_pool: asyncpg.Pool
) -> None:
    number = _elder_in_futian(city)
    await fetch_facts(
        db_pool,
        platform,
        rule_sets[ELDERLY_FUTIAN],
        basis=basis(ELDERLY_FUTIAN),
        on=city.today,
        person=number,
    )
    knobs.modes["population"] = "down"
    await fetch_facts(
        db_pool,
        platform,
        rule_sets[ELDERLY_FUTIAN],
        basis=basis(ELDERLY_FUTIAN),
        on=city.today,
        person=number,
    )
    async with db_pool.acquire() as connection:
        rows = await connection.fetch(
            "SELECT outcome, fields FROM sharing_access_log WHERE subject = $1 ORDER BY seq", number
        )
        assert [r["outcome"] for r in rows] == ["ok", "unavailable"]
        assert list(rows[0]["fields"]) == ["benefits", "birth_date", "household_district", "status"]
        result = await verify_log(connection, AuditKey(DEVELOPMENT_AUDIT_KEY))
    assert result.ok and result.entries == 2


def test_decision_day_is_the_platforms_today(city: City) -> None:
    assert city.today == dt.date.today()
