"""schemathesis' stateful phase in the suite: it follows the document's OpenAPI links through real workflows
(registry draft → submit → approve, apply → detail → withdraw, list → item → form), every check on, each
operation called with the token its real caller holds, all issued by our own provider.

CI runs a fixed seed and a bounded number of steps; ``ISHENZHEN_FUZZ_LONG=1`` runs a longer randomised walk
(README, "Tests").
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

from tests.fuzzing.conftest import Headers, call_options, caller_for
from tests.fuzzing.positive_data import excluded_checks

LONG = os.environ.get("ISHENZHEN_FUZZ_LONG") == "1"


def test_stateful_walk_through_linked_workflows_finds_no_failure(
    api_schema: schemathesis.BaseSchema, tokens: dict[str, Headers], workflows_started: None
) -> None:
    # Valid data only: a negative step ends the workflow it is in, and tests/fuzzing/test_authenticated.py and
    # tests/test_openapi.py send negative data to every operation already.
    api_schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE])
    base = api_schema.as_state_machine()

    called: list[tuple[str, int]] = []

    class Workflows(base):  # type: ignore[valid-type,misc]
        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            called.append((case.operation.label, response.status_code))

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": caller_for(case.operation.path, tokens), **call_options(case.operation)}

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            case.validate_response(response, excluded_checks=excluded_checks(case), transport_kwargs=kwargs)

    Workflows.run(
        settings=hypothesis_settings(
            max_examples=400 if LONG else 60,
            stateful_step_count=12 if LONG else 6,
            derandomize=not LONG,
            deadline=None,
            database=None,
            phases=[Phase.generate] if not LONG else [Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
    )
    # The walk followed links with values taken from responses: the seeded application was read and withdrawn,
    # through an id no generator would guess. Which other links a bounded walk takes depends on the seed and on
    # every link in the document; the workflows that must work whatever it takes are walked by hand in
    # test_link_walks.py (the seeded registry draft among them).
    succeeded = {label for label, status in called if status < 300}
    assert {
        "GET /v1/applications/{application_id}",
        "POST /v1/applications/{application_id}/withdraw",
    } <= succeeded, sorted(set(called))
