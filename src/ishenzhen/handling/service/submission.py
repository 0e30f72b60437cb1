"""Submitting an application: the Idempotency-Key, validation against the form the app rendered, and the one
transaction that stores the application with its timeline row, inbox message and outbox record."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import asyncpg
import msgspec
import structlog

from ishenzhen.approvals import RuleSet
from ishenzhen.catalog.model import ServiceItem
from ishenzhen.db.types import Connection
from ishenzhen.errors import Conflict, FieldError, InvalidInput
from ishenzhen.handling import metrics
from ishenzhen.handling._sql import queries
from ishenzhen.handling.licence_checks import check_licence_references, licence_references
from ishenzhen.handling.numbering import format_number
from ishenzhen.handling.schemas import ApplicationAccepted, ApplicationRequest
from ishenzhen.handling.service.eligibility import check_item, check_party, field_error
from ishenzhen.handling.service.transitions import tell_parties
from ishenzhen.handling.service.uploads import attach_materials, referenced_uploads
from ishenzhen.handling.texts import status_message
from ishenzhen.identity.guards import Principal
from ishenzhen.screens.item_service import ItemScreens, load_profile
from ishenzhen.sharing import PlatformClient
from ishenzhen.ui.capabilities import Capabilities

__all__ = ["IdempotencyInFlight", "Submission", "fingerprint", "submit"]

log = structlog.get_logger(__name__)
_encoder = msgspec.json.Encoder()
_sorted_encoder = msgspec.json.Encoder(order="sorted")


class IdempotencyInFlight(Conflict):
    slug = "idempotency-key-in-flight"
    title = "请求处理中 Request in progress"


def fingerprint(request: ApplicationRequest, render: str) -> bytes:
    """What makes two submissions "the same": the decoded body, key order aside, and the render header."""
    return hashlib.sha256(_sorted_encoder.encode([msgspec.to_builtins(request), render])).digest()


@dataclass(frozen=True, slots=True)
class Submission:
    accepted: ApplicationAccepted
    replayed: bool
    # A decision by the rules is owed (``handling.instant``).
    instant: bool = False


async def submit(
    pool: asyncpg.Pool,
    screens: ItemScreens,
    principal: Principal,
    request: ApplicationRequest,
    *,
    key: str,
    render: str | None,
    key_hours: int,
    rule_sets: Mapping[str, RuleSet] | None = None,
    platform: PlatformClient | None = None,
    admit: Callable[[str, str | None], Awaitable[None]] | None = None,
) -> Submission:
    """Store an application, its first status, timeline row, inbox message and outbox record at once.

    An instant-approval item with a rule set in ``rule_sets`` also owes a decision from this commit on
    (``_owe_instant_decision``); ``handling.instant`` makes it after the commit. With ``platform``, e-licence
    references standing in for materials are re-checked with the register first (``handling.licence_checks``).

    The Idempotency-Key is taken with a transaction-scoped advisory lock, so a second request with the same
    key while the first runs is told so (409) instead of waiting; the key row commits with the application, so
    a key exists exactly when its application does. A request refused for bad input stores nothing: the
    caller may correct it and send it again with the same key (as Stripe does for requests that fail
    validation).
    """
    capabilities = Capabilities.parse(render)
    canonical_render = (
        f"spec={capabilities.spec_version}; components={','.join(sorted(capabilities.components))}"
    )
    digest = fingerprint(request, canonical_render)
    applicant = uuid.UUID(principal.sub)
    scope = {"client_id": principal.client_id, "subject": principal.sub, "key": key}
    # Read before the transaction takes its connection: taking a second one while holding the first would
    # deadlock the pool under load (every connection held by a transaction waiting for another).
    profile = await load_profile(pool, principal)
    references_unchecked = False
    if platform is not None:
        # Before the transaction: the register is asked over the network, and its pull stays in the access
        # log even when the application is refused for it. A replay of an answered request is answered as
        # before, whatever the register says now, so it is not asked again.
        checked = check_item(screens, request, principal)
        references = licence_references(
            screens.form(checked.code, "zh-CN", capabilities).licences, request.form
        )
        if references:
            async with pool.acquire() as connection:
                answered = await queries.idempotency_key(connection, **scope)
                if answered is not None and answered["fingerprint"] == digest:
                    references_unchecked = True
                else:
                    await check_licence_references(
                        connection, platform, principal, checked.code, references, today=dt.date.today()
                    )
    async with pool.acquire() as connection, connection.transaction():
        if not await queries.try_lock_idempotency_key(connection, **scope):
            raise IdempotencyInFlight(
                "a request with this Idempotency-Key is still being processed; retry shortly"
            )
        stored = await queries.idempotency_key(connection, **scope)
        if stored is not None:
            if stored["fingerprint"] != digest:
                raise field_error(
                    "Idempotency-Key",
                    "this key was used for a different request: use a new key for a new request",
                )
            return Submission(
                msgspec.json.decode(stored["response"], type=ApplicationAccepted), replayed=True
            )
        if references_unchecked:
            # The stored answer expired in the moment since it was read: the references were not checked.
            raise IdempotencyInFlight("this Idempotency-Key has just expired; retry shortly")
        await queries.delete_expired_idempotency_key(connection, **scope)

        item = check_item(screens, request, principal)
        entry = screens.form(item.code, "zh-CN", capabilities)
        problems = screens.validate(entry, request.form, dt.date.today())
        if problems:
            raise InvalidInput(
                f"{len(problems)} field(s) need attention",
                errors=[
                    FieldError(location="body", name=f"/form{p.pointer}", reason=p.reason) for p in problems
                ],
            )
        credit_code = check_party(request, principal, profile.enterprise_credit_code)
        if admit is not None:
            # Only a new, valid application is counted against the submit limit (account, enterprise).
            await admit(principal.sub, credit_code)

        application_id = uuid.uuid4()
        now = dt.datetime.now(dt.UTC)
        number = format_number(now, await queries.next_serial(connection))
        await queries.insert_application(
            connection,
            id=application_id,
            number=number,
            item_code=item.code,
            item_version=item.version,
            department=item.department,
            applicant_id=principal.sub,
            client_id=principal.client_id,
            party_kind=request.acting_party.kind,
            credit_code=credit_code,
            spec_version=entry.header.spec_version,
            capabilities=canonical_render,
            form=_encoder.encode(request.form).decode(),
            submitted_at=now,
        )
        materials = await attach_materials(connection, referenced_uploads(request), applicant, application_id)
        await queries.append_timeline(
            connection,
            application_id=application_id,
            status="submitted",
            previous_status=None,
            actor_kind="applicant",
            actor=principal.sub,
            message=status_message("submitted"),
            occurred_at=now,
        )
        body = {
            "number": number,
            "item_code": item.code,
            "department": item.department,
            "spec_version": entry.header.spec_version,
            "submitted_at": now.isoformat().replace("+00:00", "Z"),
            "applicant": {
                "subject": principal.sub,
                "level": principal.acr,
                "name": profile.name,
                "id_number": profile.id_number,
            },
            "acting_party": {"kind": request.acting_party.kind, "credit_code": credit_code},
            "form": request.form,
            "materials": materials,
        }
        await queries.insert_outbox(
            connection,
            application_id=application_id,
            kind="submission",
            department=item.department,
            path="/applications",
            body=_encoder.encode(body),
        )
        await queries.notify_outbox(connection)
        accepted = ApplicationAccepted(id=application_id, number=number, status="submitted", submitted_at=now)
        await queries.insert_idempotency_key(
            connection,
            **scope,
            fingerprint=digest,
            application_id=application_id,
            response=_encoder.encode(accepted).decode(),
            hours=key_hours,
        )
        await tell_parties(
            connection, application_id, item.name, number, principal.sub, credit_code, "submitted", None
        )
        instant = await _owe_instant_decision(connection, item, application_id, rule_sets)
    metrics.SUBMISSIONS.labels(item.department).inc()
    log.info(
        "application.submitted",
        application_id=str(application_id),
        number=number,
        item_code=item.code,
        department=item.department,
        party=request.acting_party.kind,
    )
    return Submission(accepted, replayed=False, instant=instant)


async def _owe_instant_decision(
    connection: Connection,
    item: ServiceItem,
    application_id: uuid.UUID,
    rule_sets: Mapping[str, RuleSet] | None,
) -> bool:
    """The hook of instant approval on the submission path: a pending decision commits with the application."""
    if rule_sets is None or not item.instant_approval:
        return (
            False  # checked first: the rule sets register on first use, which only instant items should pay
        )
    rule_set = rule_sets.get(item.code)
    if rule_set is None:
        return False
    await queries.insert_instant_decision(
        connection, application_id=application_id, rule_set_version=rule_set.version
    )
    return True
