"""Where schemathesis' ``positive_data_acceptance`` check cannot hold, each place once with its reason.

The check fails when a request the document calls valid gets a 4xx other than 401/403/404/409/429. The
document says what the API enforces wherever a schema can (ishenzhen.openapi_constraints, the controllers'
``schema_extra``): control characters, identifier shapes, enums, unknown fields. What is left is semantic —
whether a value is one this server issued, or agrees with data no schema holds — and is listed here:

- ``SEMANTIC_OPERATIONS``: the check is off for every request to the operation;
- ``SEMANTIC_PARAMETERS``: off for a request that carries the parameter (the rest of the operation's
  requests are still checked);
- ``CATALOGUE_VALUES``: a parameter whose enum is the catalogue's (services_catalog/): off only where the app
  runs without that catalogue (tests/test_openapi.py's empty one);
- ``FUTURE_TIMES``: a time that must lie ahead (a scheduled change): off for a request whose time does not;
- ``CHECK_CHARACTERS``: an identifier whose shape the document gives but whose check character it cannot;
  off for a request whose identifier fails only that, so the check runs on every well-formed one.

Every fuzz test passes ``excluded_checks=excluded_checks(case)``; test_positive_data.py keeps this table
naming real operations and parameters, and prints how many operations the check runs on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import schemathesis
from schemathesis.checks import CheckFunction, positive_data_acceptance

from ishenzhen.handling.numbering import is_valid_number
from ishenzhen.lib.validators import is_valid_credit_code

__all__ = [
    "CATALOGUE_VALUES",
    "CHECK_CHARACTERS",
    "FUTURE_TIMES",
    "SEMANTIC_OPERATIONS",
    "SEMANTIC_PARAMETERS",
    "excluded_checks",
    "positive_exclusion",
]

_OAUTH = (
    "RFC 6749/OpenID Connect: a well-formed request naming a client, grant, code, token or redirect URI this "
    "provider never issued or registered is refused with an RFC 6749 error (400, or the sign-in error page)"
)

SEMANTIC_OPERATIONS: dict[str, str] = {
    "POST /oauth/token": _OAUTH,
    "POST /oauth/introspect": _OAUTH,
    "POST /oauth/revoke": _OAUTH,
    "GET /oauth/authorize": _OAUTH,
    "POST /oauth/authorize": _OAUTH,
    "GET /oauth/end-session": _OAUTH,
    "POST /oauth/end-session": _OAUTH,
    "POST /v1/me/face-check": "the liveness token must come from a face check of this person: any other "
    "well-formed token is a mismatch (422)",
    "POST /v1/registry/items": "an item is checked as a whole against the catalogue (its department, codes, "
    "implementing body and districts must exist and agree): 422 lists every problem",
    "POST /v1/applications": "item_code must name a published item and form must fill that item's form as "
    "its render spec asks: an unknown code or a form of another item is 422",
    "POST /v1/materials": "the body must be a real JPEG, PNG or PDF: its bytes are judged (415 for anything "
    "else, 422 for an empty or damaged file), which no schema of a binary body describes",
    "POST /v1/app/items/{code}/form/validate": "the fields a form requires are that item's render spec's, not "
    "the document's: a well-formed form missing them is 422 naming each (the stateful walk reaches it with a "
    "real item's code)",
}

SEMANTIC_PARAMETERS: dict[tuple[str, str], str] = {
    ("query", "cursor"): "a page cursor is opaque: only one this API issued is valid (400 for any other)",
}

CATALOGUE_VALUES: dict[tuple[str, str, str], str] = {
    ("GET /v1/app/home", "query", "district"): "the document lists the catalogue's districts; an app with "
    "another catalogue (an empty one in tests) knows only its own",
}

FUTURE_TIMES: dict[tuple[str, str], str] = {
    ("body", "effective_at"): "a scheduled publication or withdrawal must lie in the future, and JSON Schema "
    "has no 'after now' (422 for a time already past)",
}

CHECK_CHARACTERS: dict[tuple[str, str], Callable[[str], bool]] = {
    # The document's pattern gives SZ, 16 digits and a check character; the check character's value is not a
    # pattern (a weighted sum), so a well-shaped number may still be refused as malformed.
    ("path", "number"): is_valid_number,
    # GB 32100: 18 characters of the alphabet (the pattern), the last a MOD 31 check character.
    ("path", "credit_code"): is_valid_credit_code,
}


def _values(case: schemathesis.Case, location: str) -> dict[str, object]:
    if location == "body":
        return dict(case.body) if isinstance(case.body, dict) else {}
    found = {"path": case.path_parameters, "query": case.query, "header": case.headers}[location]
    return dict(found or {})


def _is_past(value: object) -> bool:
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return False
    if moment is None:
        return False
    # A time without an offset is read as UTC, as the API reads it.
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)) <= dt.datetime.now(dt.UTC)


def positive_exclusion(case: schemathesis.Case, *, catalogue_loaded: bool = True) -> str | None:
    """Why ``positive_data_acceptance`` does not apply to ``case``; None when it does. ``catalogue_loaded``:
    the app serves the catalogue of services_catalog/, whose values the document lists."""
    if (reason := SEMANTIC_OPERATIONS.get(case.operation.label)) is not None:
        return reason
    if not catalogue_loaded:
        for (label, location, name), reason in CATALOGUE_VALUES.items():
            if label == case.operation.label and _values(case, location).get(name) is not None:
                return reason
    for (location, name), reason in SEMANTIC_PARAMETERS.items():
        if _values(case, location).get(name) is not None:
            return reason
    for (location, name), reason in FUTURE_TIMES.items():
        if _is_past(_values(case, location).get(name)):
            return reason
    for (location, name), is_valid in CHECK_CHARACTERS.items():
        value = _values(case, location).get(name)
        if isinstance(value, str) and not is_valid(value):
            return f"{location} parameter {name!r} is well-shaped but fails its check character"
    return None


def excluded_checks(case: schemathesis.Case, *, catalogue_loaded: bool = True) -> list[CheckFunction]:
    """The checks not to run on ``case``: ``positive_data_acceptance`` where it cannot hold, else none."""
    excluded = positive_exclusion(case, catalogue_loaded=catalogue_loaded) is not None
    return [positive_data_acceptance] if excluded else []
