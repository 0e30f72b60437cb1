"""``python -m bench.rule_engines``: CEL (Rust bindings, chosen) vs cel-python vs zen-engine on our own rules.

Two rule sets from services_catalog/rules, written for each engine: the elderly allowance (4 conditions and a
5-tier first-hit table) and the fresh-graduate intake (8 conditions over three sources). Each engine evaluates
every condition of one decision (so each can be explained), on the same facts. Reported per decision: the
thread's CPU time p50/p99 (wall time on this shared machine carries other processes' slices), compile time
per expression, and whether a missing field can be told apart from a type error (what turns missing data into
manual review rather than a rejection).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import cel
import celpy
import zen

from ishenzhen.approvals import Facts, decide, load_rule_sets

RULES = Path(__file__).resolve().parents[1] / "services_catalog" / "rules"
ELDERLY = "050080007000440304"
GRADUATE = "070120001000440300"
ON = dt.date(2026, 12, 3)

# The same conditions in each language (CEL is the catalogue's; zen's expression language differs a little).
CEL_RULES = {
    ELDERLY: [
        'applicant.status == "alive"',
        "applicant.household_district == params.district",
        "applicant.age >= params.min_age",
        '!("elderly_allowance" in applicant.benefits)',
    ],
    GRADUATE: [
        'applicant.status == "alive"',
        'licences.diploma.status == "valid"',
        "licences.diploma.holder_name == applicant.name",
        'licences.degree_certificate.status == "valid" && licences.degree_certificate.level in params.levels',
        "licences.diploma.years_held <= params.max_years",
        "applicant.age <= params.max_age",
        "!applicant.shenzhen_household",
        "!credit.dishonest",
    ],
}
ZEN_RULES = {
    ELDERLY: [
        'applicant.status == "alive"',
        "applicant.household_district == params.district",
        "applicant.age >= params.min_age",
        'not ("elderly_allowance" in applicant.benefits)',
    ],
    GRADUATE: [
        'applicant.status == "alive"',
        'licences.diploma.status == "valid"',
        "licences.diploma.holder_name == applicant.name",
        'licences.degree_certificate.status == "valid" and licences.degree_certificate.level in params.levels',
        "licences.diploma.years_held <= params.max_years",
        "applicant.age <= params.max_age",
        "not applicant.shenzhen_household",
        "not credit.dishonest",
    ],
}
TIERS = [(100, 1000), (90, 500), (80, 300), (70, 200), (60, 100)]


def _facts(item: str) -> Facts:
    if item == ELDERLY:
        return Facts(
            on=ON,
            applicant={
                "status": "alive",
                "household_district": "440304",
                "birth_date": "1944-03-01",
                "benefits": [],
            },
        )
    return Facts(
        on=ON,
        applicant={
            "status": "alive",
            "birth_date": "2002-05-20",
            "name": "王小明",
            "shenzhen_household": False,
        },
        licences={
            "diploma": {"status": "valid", "issued_on": "2025-07-01", "holder_name": "王小明"},
            "degree_certificate": {"status": "valid", "issued_on": "2025-07-01", "level": "bachelor"},
        },
        credit={"dishonest": False},
    )


def _context(item: str, params: dict[str, Any]) -> dict[str, Any]:
    from ishenzhen.approvals.facts import context_of

    variables = context_of(_facts(item))
    variables["params"] = params
    return variables


def _zen_table() -> str:
    rules = [
        {"_id": f"r{i}", "age": f">= {age}", "outcome": str(money)} for i, (age, money) in enumerate(TIERS)
    ]
    nodes = [
        {"id": "in", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}},
        {
            "id": "checks",
            "type": "expressionNode",
            "name": "checks",
            "position": {"x": 1, "y": 0},
            "content": {
                "expressions": [
                    {"id": f"e{i}", "key": f"c{i}", "value": e} for i, e in enumerate(ZEN_RULES[ELDERLY])
                ]
                + [{"id": "age", "key": "age", "value": "applicant.age"}]
            },
        },
        {
            "id": "tiers",
            "type": "decisionTableNode",
            "name": "tiers",
            "position": {"x": 2, "y": 0},
            "content": {
                "hitPolicy": "first",
                "inputs": [{"id": "age", "name": "age", "field": "age"}],
                "outputs": [{"id": "outcome", "name": "monthly", "field": "monthly"}],
                "rules": rules,
            },
        },
        {"id": "out", "type": "outputNode", "name": "out", "position": {"x": 3, "y": 0}},
    ]
    edges = [
        {"id": f"x{i}", "sourceId": a, "targetId": b, "type": "edge"}
        for i, (a, b) in enumerate([("in", "checks"), ("checks", "tiers"), ("tiers", "out")])
    ]
    return json.dumps({"nodes": nodes, "edges": edges})


def _cel_conditions(programs: list[cel.Program], variables: dict[str, Any]) -> list[object]:
    context = cel.Context(variables=variables)
    return [program.execute(context) for program in programs]


def _zen_expressions(programs: list[Any], variables: dict[str, Any]) -> list[object]:
    return [program.evaluate(variables) for program in programs]


def _celpy(programs: list[Any], variables: dict[str, Any]) -> list[object]:
    activation = celpy.json_to_cel(variables)
    return [program.evaluate(activation) for program in programs]


def _zen_graph(decision: Any, variables: dict[str, Any]) -> object:
    return decision.evaluate(variables, {"trace": True})


def _measure(run: Callable[[], object], rounds: int) -> dict[str, float]:
    for _ in range(min(200, rounds)):
        run()
    cpu, wall = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
        run()
        cpu.append((time.thread_time_ns() - started_cpu) / 1000)
        wall.append((time.perf_counter_ns() - started) / 1000)
    cpu.sort()
    return {
        "cpu_p50_us": round(statistics.median(cpu), 1),
        "cpu_p99_us": round(cpu[int(rounds * 0.99)], 1),
        "wall_p50_us": round(statistics.median(wall), 1),
    }


def main(rounds: int = 3000) -> None:
    warnings.simplefilter("ignore")
    rule_sets = load_rule_sets(RULES)
    print("| rule set | engine | CPU p50 µs | CPU p99 µs | wall p50 µs |")
    print("|---|---|---|---|---|")
    for item in (ELDERLY, GRADUATE):
        rule_set = rule_sets[item]
        params = dict(rule_set.params)
        variables = _context(item, params)
        facts = _facts(item)
        cel_programs = [cel.compile(e) for e in CEL_RULES[item]]
        zen_programs = [zen.compile_expression(e) for e in ZEN_RULES[item]]
        environment = celpy.Environment()
        celpy_programs = [environment.program(environment.compile(e)) for e in CEL_RULES[item]]
        engines: dict[str, Callable[[], object]] = {
            "CEL Rust, full decide() with explanations": partial(decide, rule_set, {}, facts),
            "CEL Rust, conditions only (one context)": partial(_cel_conditions, cel_programs, variables),
            "zen-engine expressions": partial(_zen_expressions, zen_programs, variables),
            "cel-python": partial(_celpy, celpy_programs, variables),
        }
        if item == ELDERLY:
            decision = zen.ZenEngine().create_decision(_zen_table())
            engines["zen-engine decision graph (table + trace)"] = partial(_zen_graph, decision, variables)
        for name, run in engines.items():
            figures = _measure(run, rounds if "python" not in name else rounds // 10)
            print(
                f"| {rule_set.name} | {name} | {figures['cpu_p50_us']} | {figures['cpu_p99_us']} | {figures['wall_p50_us']} |"
            )
    sources = [e for rules in CEL_RULES.values() for e in rules]
    started = time.perf_counter()
    for _ in range(20):
        [cel.compile(e) for e in sources]
    cel_compile = (time.perf_counter() - started) / (20 * len(sources)) * 1e6
    started = time.perf_counter()
    for _ in range(20):
        [zen.compile_expression(e) for e in [e for rules in ZEN_RULES.values() for e in rules]]
    zen_compile = (time.perf_counter() - started) / (20 * len(sources)) * 1e6
    print(f"\ncompile per expression: CEL {cel_compile:.1f} µs, zen {zen_compile:.1f} µs")
    for label, expression in (
        ("missing field", "applicant.nope >= 1"),
        ("missing field", "applicant.nope != 'x'"),
        ("type error", "applicant.age >= 'x'"),
    ):
        outcomes = []
        for engine, call in (
            ("CEL", lambda e=expression: cel.evaluate(e, variables)),
            ("zen", lambda e=expression: zen.evaluate_expression(e, variables)),
        ):
            try:
                outcomes.append(f"{engine}: value {call()!r}")
            except Exception as exc:
                outcomes.append(f"{engine}: {type(exc).__name__} {str(exc).splitlines()[0][:60]}")
        print(f"{label} `{expression}`: " + "; ".join(outcomes))


if __name__ == "__main__":
    main()
