"""Instant approval (秒批): rule sets as data, checked at registration, evaluated purely and explained.

No I/O here: facts are fetched first (``ishenzhen.sharing``), then ``decide`` runs the rules.
"""

from ishenzhen.approvals.catalogue import load_rule_sets
from ishenzhen.approvals.evaluate import decide
from ishenzhen.approvals.facts import FACT_SCHEMA, SOURCES, Facts, age_on
from ishenzhen.approvals.rule_set import (
    Choice,
    FormField,
    RuleSet,
    RuleSetInvalid,
    check_choices,
    expand_family,
    register,
)
from ishenzhen.approvals.schemas import Check, Decision, Outcome

__all__ = [
    "FACT_SCHEMA",
    "SOURCES",
    "Check",
    "Choice",
    "Decision",
    "Facts",
    "FormField",
    "Outcome",
    "RuleSet",
    "RuleSetInvalid",
    "age_on",
    "check_choices",
    "decide",
    "expand_family",
    "load_rule_sets",
    "register",
]
