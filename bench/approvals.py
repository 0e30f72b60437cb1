"""``python -m bench.approvals``: instant approval on the seeded data-sharing platform.

1. For every one of the 200 instant-approval items, ``--applicants`` seeded applicants (enterprise items: a
   seeded enterprise and its legal representative) have their facts fetched through the real client from the
   in-process platform simulator (HMAC-signed HTTP over httpx's ASGI transport), then decided.
2. Reports the in-process rule evaluation time per decision (``approvals.decide`` only), as wall time and as
   the thread's CPU time: on a shared machine the wall-time tail is other processes' time slices (a plain
   Python loop of the same length shows the same tail, measured alongside as ``baseline_loop``), while CPU
   time is what a decision costs. Then the share of decisions taken automatically (approved or rejected, not
   manual review), overall and per item.

Each applicant fills in only the fields the rules read that the item's form (hand-written, or the default
built with the rule set's declarations, as the form endpoint serves it) actually asks: a field the form lacks
reads as missing, as it would for a real citizen.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from ishenzhen.approvals import RuleSet, decide, load_rule_sets
from ishenzhen.catalog.default_spec import spec_for
from ishenzhen.catalog.model import ServiceItem
from ishenzhen.catalog.rule_form import unasked_fields
from ishenzhen.catalog.source.validator import load_catalog
from ishenzhen.logging import configure_logging
from ishenzhen.sharing import AccessBasis, PlatformClient
from ishenzhen_simulators.data_platform.app import DEV_CLIENT_ID, DEV_CLIENT_SECRET, create_app
from ishenzhen_simulators.data_platform.registers import City

CATALOGUE = Path(__file__).resolve().parents[1] / "services_catalog"
RULES = CATALOGUE / "rules"


def asked_fields(item: ServiceItem, rule_set: RuleSet) -> set[str]:
    """The fields ``rule_set`` reads that the item's form asks, in the type the rules compare."""
    unasked = {name for name, _ in unasked_fields(spec_for(item, rule_set).form, rule_set)}
    return set(rule_set.form) - unasked


def sample_form(rule_set: RuleSet, today: dt.date, asked: set[str]) -> dict[str, Any]:
    """What an applicant would have typed into the form fields the rules read and the form asks."""
    values = {
        "tax_year": today.year - 1,
        "domicile": {"district": "440305", "detail": "粤海街道科技园科苑路 8 号"},
        "premises": {"district": "440305", "detail": "粤海街道科技园科苑路 8 号"},
        "registered_capital": 100,
        "industry": "软件和信息技术服务业",
        "total_investment": 5000,
        "location": {"district": "440304", "detail": "福田区深南大道 1 号"},
    }
    return {name: values[name] for name in rule_set.form if name in values and name in asked}


def _subjects(city: City, rule_set: RuleSet, n: int, offset: int) -> list[tuple[str, str | None]]:
    needs_enterprise = any(p.startswith("enterprise.") for p in rule_set.needs.get("legal_person", ()))
    out: list[tuple[str, str | None]] = []
    for k in range(n):
        index = (offset * 7919 + k * 104_729) % (city.enterprises if needs_enterprise else city.people)
        if needs_enterprise:
            code = city.credit_code(index)
            enterprise = city.enterprise(code)
            assert enterprise is not None
            out.append((enterprise["legal_representative_id"], code))
        else:
            out.append((city.id_number(index), None))
    return out


async def run(applicants: int, seed: int) -> dict[str, Any]:
    city = City(seed)
    rule_sets = load_rule_sets(RULES)
    items = {item.code: item for item in load_catalog(CATALOGUE).items if item.code in rule_sets}
    transport = httpx.ASGITransport(app=create_app(city, {DEV_CLIENT_ID: DEV_CLIENT_SECRET}))
    client = PlatformClient(
        "http://platform.bench", DEV_CLIENT_ID, DEV_CLIENT_SECRET, timeout=5.0, transport=transport
    )
    timings: list[float] = []
    cpu: list[float] = []
    outcomes: Counter[str] = Counter()
    per_item: dict[str, Counter[str]] = {}
    unasked: list[str] = []
    fetch_started = time.perf_counter()
    try:
        for offset, (code, rule_set) in enumerate(sorted(rule_sets.items())):
            counts: Counter[str] = Counter()
            asked = asked_fields(items[code], rule_set)
            if asked != set(rule_set.form):
                unasked.append(rule_set.name)
            form = sample_form(rule_set, city.today, asked)
            for person, enterprise in _subjects(city, rule_set, applicants, offset):
                basis = AccessBasis(
                    requester="bench", purpose="instant_approval", application_id=uuid.uuid4(), item_code=code
                )
                fetched = await client.fetch_facts(
                    rule_set,
                    basis=basis,
                    on=city.today,
                    person=person,
                    enterprise=enterprise,
                    proposed_name=f"深圳市{offset}{person[-4:]}科技有限公司",
                )
                started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
                decision = decide(rule_set, form, fetched.facts)
                cpu.append((time.thread_time_ns() - started_cpu) / 1000)
                timings.append((time.perf_counter_ns() - started) / 1000)
                counts[decision.outcome] += 1
            per_item[code] = counts
            outcomes.update(counts)
    finally:
        await client.aclose()
    timings.sort()
    cpu.sort()
    total = sum(outcomes.values())
    automatic = outcomes["approved"] + outcomes["rejected"]
    items_mostly_automatic = sum(1 for c in per_item.values() if c["manual_review"] * 2 < sum(c.values()))
    items_any_automatic = sum(1 for c in per_item.values() if c["approved"] + c["rejected"] > 0)
    return {
        "decisions": total,
        "wall_seconds": round(time.perf_counter() - fetch_started, 1),
        "decide_wall_us": _quantiles(timings),
        "decide_cpu_us": _quantiles(cpu),
        "baseline_loop_wall_us": _quantiles(_baseline(statistics.median(timings))),
        "outcomes": dict(outcomes),
        "automatic_share": round(automatic / total, 3),
        "items_mostly_automatic": items_mostly_automatic,
        "items_with_an_automatic_decision": items_any_automatic,
        "items_whose_form_lacks_a_field_the_rules_read": len(unasked),
        "items_always_manual": sorted(
            {
                rule_sets[c].name
                for c, counts in per_item.items()
                if counts["manual_review"] == sum(counts.values())
            }
        ),
    }


def _quantiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {
        "p50": round(statistics.median(values), 1),
        "p99": round(values[int(len(values) * 0.99)], 1),
        "max": round(values[-1], 1),
    }


def _baseline(target_us: float, rounds: int = 5000) -> list[float]:
    """Wall time of a plain Python loop as long as a median decision: the machine's own tail."""
    spins = 1000
    started = time.perf_counter_ns()
    sum(i * i for i in range(spins))
    spins = max(100, int(spins * target_us * 1000 / max(1, time.perf_counter_ns() - started)))
    out = []
    for _ in range(rounds):
        started = time.perf_counter_ns()
        sum(i * i for i in range(spins))
        out.append((time.perf_counter_ns() - started) / 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.approvals", description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=40, help="seeded applicants per item [40]")
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    configure_logging("json", "warning")  # per-pull info events are not what is measured
    result = asyncio.run(run(arguments.applicants, arguments.seed))
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
