"""Every operation fuzzed with the token its real caller holds (tests/test_openapi.py fuzzes anonymously), so
the write paths behind the bearer check are reached: every check, positive and negative data, a fixed seed
(positive_data_acceptance where the document can say what is valid: tests/fuzzing/positive_data.py)."""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis.core.result import Ok

from tests.fuzzing.conftest import SEED, Headers, call_options, caller_for
from tests.fuzzing.positive_data import excluded_checks

LONG = os.environ.get("ISHENZHEN_FUZZ_LONG") == "1"


def fuzz(operation: schemathesis.APIOperation, mode: schemathesis.GenerationMode, headers: Headers) -> None:
    @seed(SEED)
    @settings(
        max_examples=100 if LONG else 5,
        derandomize=not LONG,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call_and_validate(case: schemathesis.Case) -> None:
        case.call_and_validate(
            headers=headers, excluded_checks=excluded_checks(case), **call_options(operation)
        )

    call_and_validate()


def test_every_protected_operation_conforms_with_its_callers_token(
    api_schema: schemathesis.BaseSchema, tokens: dict[str, Headers]
) -> None:
    results = list(api_schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "schemathesis cannot read some operations of the document"
    protected = [operation for operation in operations if caller_for(operation.path, tokens)]
    assert len(protected) >= 30, "the callers' map lost the protected operations"
    for operation in protected:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            fuzz(operation, mode, caller_for(operation.path, tokens))
