"""E-licence references (免提交) re-checked with the data platform when an application is submitted.

A form's e-licence picker takes a wallet reference (``elc_…``) instead of an upload of the material. The
reference the app sends was valid when the wallet was read, but the licence may have expired or been revoked
since, and a reference can be typed by anyone: the department must not receive a material the applicant does
not hold. So the gateway asks the e-licence register again at submission, as a data pull logged in the
data-access log on the citizen's "submit" action, before anything is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import structlog

from ishenzhen.errors import FieldError, InvalidInput, ServiceUnavailable
from ishenzhen.identity.guards import Principal
from ishenzhen.sharing import AccessBasis, PlatformClient, record_pulls
from ishenzhen.sharing.access_log import Connection
from ishenzhen.sharing.service import licence_reference, licence_status, wallet_holder
from ishenzhen.ui.prefill import LicenceBindings
from ishenzhen.ui.submission import LICENCE_REFERENCE

__all__ = ["RETRY_AFTER_SECONDS", "check_licence_references", "licence_references"]

log = structlog.get_logger(__name__)
# The register is usually back within a minute (the wallet says the same).
RETRY_AFTER_SECONDS = 60


def licence_references(bindings: LicenceBindings, form: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(field id, licence type, reference)`` of each e-licence picker answered with a reference (not uploads)."""
    return [
        (field_id, kind, value)
        for field_id, kind in bindings.pickers
        if isinstance(value := form.get(field_id), str) and LICENCE_REFERENCE.fullmatch(value)
    ]


async def check_licence_references(
    connection: Connection,
    platform: PlatformClient,
    principal: Principal,
    item_code: str,
    references: list[tuple[str, str, str]],
    *,
    today: dt.date,
) -> None:
    """Raise 422 naming each reference that is not a valid licence of the applicant (or the acting enterprise)
    of the picker's type, 503 with Retry-After when the register cannot answer; the pull is logged either way."""
    if not references:
        return
    holder = await wallet_holder(connection, principal)
    if holder is None:
        raise InvalidInput(
            "e-licences can be used only by applicants verified by real name",
            errors=[
                _error(field_id, "no e-licence register holds anything of yours yet")
                for field_id, *_ in references
            ],
        )
    basis = AccessBasis(
        requester="gateway:submission",
        purpose="application_review",
        citizen_action="submit",
        item_code=item_code,
    )
    licences, pull = await platform.licences_of(holder[0], holder[1], basis=basis)
    await record_pulls(connection, basis, [pull])
    if pull.outcome in ("unavailable", "refused", "inconsistent"):
        log.warning("handling.licence_check_unavailable", item_code=item_code, outcome=pull.outcome)
        raise ServiceUnavailable(
            "the e-licence register cannot be reached just now: nothing was submitted; try again in a minute",
            retry_after=RETRY_AFTER_SECONDS,
        )
    held = {
        licence_reference(holder[0], str(licence.get("type")), str(licence.get("number"))): licence
        for licence in licences
    }
    problems = []
    for field_id, kind, reference in references:
        licence = held.get(reference)
        if licence is None:
            problems.append(_error(field_id, "no e-licence of yours has this reference"))
        elif licence.get("type") != kind:
            problems.append(
                _error(field_id, f"this e-licence is not of the type the field asks for ({kind})")
            )
        elif (status := licence_status(licence, today)) != "valid":
            problems.append(_error(field_id, f"this e-licence is {status}: upload the material instead"))
    if problems:
        raise InvalidInput(
            f"{len(problems)} e-licence reference(s) cannot stand in for the material", errors=problems
        )


def _error(field_id: str, reason: str) -> FieldError:
    return FieldError(location="body", name=f"/form/{field_id}", reason=reason)
