"""Applying and following: submissions, reads, withdrawals, supplements and department events.

Every change runs in one transaction that first locks the application row, checks the move against the state
machine (``states``), writes the new status, one timeline row, the inbox messages and, when the department
must hear of it, an outbox record; so nothing is ever half-written.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import asyncpg
import msgspec
import structlog

from ishenzhen.approvals import Decision, RuleSet
from ishenzhen.catalog.model import ServiceItem
from ishenzhen.db.sql import load_queries
from ishenzhen.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from ishenzhen.handling import metrics
from ishenzhen.handling.licence_checks import check_licence_references, licence_references
from ishenzhen.handling.materials import MaterialStorage, PreparedMaterial, parse_public_id, public_id
from ishenzhen.handling.numbering import format_number
from ishenzhen.handling.schemas import (
    ActingParty,
    ApplicationAccepted,
    ApplicationDetail,
    ApplicationPage,
    ApplicationRequest,
    ApplicationSummary,
    DeadLetter,
    DecisionView,
    DepartmentEvent,
    EventReceipt,
    MaterialRef,
    SupplementRequest,
    TimelineEntry,
    WithdrawRequest,
)
from ishenzhen.handling.states import Actor, IllegalTransition, Status, check_transition
from ishenzhen.handling.texts import status_message
from ishenzhen.identity.guards import Principal
from ishenzhen.identity.scopes import level_of
from ishenzhen.notifications.service import record_messages
from ishenzhen.screens.item_service import ItemScreens, load_profile
from ishenzhen.sharing import PlatformClient
from ishenzhen.ui.capabilities import Capabilities
from ishenzhen.ui.resolve import Locale
from ishenzhen.ui.submission import UPLOAD_ID

__all__ = [
    "ApplicationConflict",
    "IdempotencyInFlight",
    "Submission",
    "application_detail",
    "applications_page",
    "apply_department_event",
    "dead_letters",
    "fingerprint",
    "outbox_depth",
    "queries",
    "read_material",
    "requeue",
    "required_level",
    "store_material",
    "submit",
    "supplement",
    "withdraw",
]

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Connection: TypeAlias = asyncpg.Connection[Any] | PoolConnectionProxy[Any]
log = structlog.get_logger(__name__)
# aiosql makes its query methods at run time: typed as Any.
queries: Any = load_queries(Path(__file__).with_name("queries.sql"))
_encoder = msgspec.json.Encoder()
_sorted_encoder = msgspec.json.Encoder(order="sorted")
ONLINE_CHANNELS = frozenset({"phone", "online"})
ONLINE_DEPTHS = frozenset({"online_submission", "online_processing", "full_online"})


class IdempotencyInFlight(Conflict):
    slug = "idempotency-key-in-flight"
    title = "请求处理中 Request in progress"


class ApplicationConflict(Conflict):
    slug = "illegal-transition"
    title = "当前状态不允许此操作 Not allowed in this status"


def fingerprint(request: ApplicationRequest, render: str) -> bytes:
    """What makes two submissions "the same": the decoded body, key order aside, and the render header."""
    return hashlib.sha256(_sorted_encoder.encode([msgspec.to_builtins(request), render])).digest()


def required_level(item: ServiceItem) -> int:
    """L3 (face check) for items that issue a licence, which the holder then uses as a legal permit; L2 (real
    name verified) for everything else: the level the applying scope itself requires."""
    return 3 if item.result.type == "licence" else 2


def _field(name: str, reason: str) -> InvalidInput:
    return InvalidInput(f"{name}: {reason}", errors=[FieldError(location="body", name=name, reason=reason)])


@dataclass(frozen=True, slots=True)
class Submission:
    accepted: ApplicationAccepted
    replayed: bool
    # A decision by the rules is owed (``handling.instant``).
    instant: bool = False


def _check_item(screens: ItemScreens, request: ApplicationRequest, principal: Principal) -> ServiceItem:
    snapshot = screens.store.snapshot
    position = snapshot.position_by_code.get(request.item_code)
    if position is None:
        raise _field("/item_code", "no published service item has this code (unknown, or withdrawn)")
    item = snapshot.items[position]
    if item.status != "in_force":
        raise _field("/item_code", f"the item is {item.status} and takes no applications")
    if not ONLINE_CHANNELS & set(item.channels) or item.online_depth not in ONLINE_DEPTHS:
        raise _field("/item_code", "this item is not handled online: apply at a service hall (窗口办理)")
    if request.item_version is not None and request.item_version != item.version:
        raise Conflict(
            f"the form was rendered for version {request.item_version} of the item; it is now at version "
            f"{item.version}: load the form again"
        )
    kind = request.acting_party.kind
    if item.audience == "natural_person" and kind != "self":
        raise _field("/acting_party/kind", "this item is for natural persons (自然人): apply for yourself")
    if item.audience == "legal_person" and kind != "enterprise":
        raise _field("/acting_party/kind", "this item is for enterprises (法人): act for an enterprise")
    needed = required_level(item)
    if level_of(principal.acr) < needed:
        raise PermissionDenied(
            f"this item needs assurance level L{needed}; the access token was issued at "
            f"{principal.acr or 'no level'}: raise the account's level (real-name check for L2, face check for "
            f"L3), then sign in again with acr_values=L{needed}"
        )
    return item


def _check_party(request: ApplicationRequest, principal: Principal, profile_code: str | None) -> str | None:
    party = request.acting_party
    if party.kind == "self":
        if party.credit_code is not None:
            raise _field("/acting_party/credit_code", "acting for yourself takes no credit code")
        return None
    if party.credit_code is None:
        raise _field("/acting_party/credit_code", "name the enterprise you act for")
    if principal.party != party.credit_code:
        raise PermissionDenied(
            "the access token does not act for this enterprise: sign in again choosing it as the party"
        )
    if profile_code != party.credit_code:
        raise PermissionDenied(
            "you no longer hold a role in this enterprise (the grant ended or was revoked)"
        )
    return party.credit_code


def _referenced_uploads(request: ApplicationRequest) -> list[tuple[str, str]]:
    """(JSON pointer, upload id) of every upload the application names: the form's upload fields (lists of
    ``upl_`` ids, at any depth, e.g. inside repeat entries) and the extra ``materials`` list."""
    found: list[tuple[str, str]] = []

    def visit(value: Any, pointer: str) -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                visit(inner, f"{pointer}/{name}")
        elif isinstance(value, list):
            if value and all(isinstance(v, str) and UPLOAD_ID.fullmatch(v) for v in value):
                found.extend((f"{pointer}/{index}", upload) for index, upload in enumerate(value))
            else:
                for index, inner in enumerate(value):
                    visit(inner, f"{pointer}/{index}")

    visit(request.form, "/form")
    found.extend((f"/materials/{index}", upload) for index, upload in enumerate(request.materials))
    return found


async def _attach_materials(
    connection: Connection, references: list[tuple[str, str]], owner: uuid.UUID, application_id: uuid.UUID
) -> list[dict[str, Any]]:
    """Attach the applicant's own unattached uploads; each one at fault is named by its pointer."""
    if not references:
        return []
    ids: dict[str, uuid.UUID | None] = {upload: parse_public_id(upload) for _, upload in references}
    rows = {
        row["id"]: row
        async for row in queries.materials_for_update(
            connection, ids=[m for m in ids.values() if m is not None]
        )
    }
    problems = []
    for pointer, upload in references:
        row = rows.get(ids[upload])
        # Someone else's upload reads exactly like a missing one.
        if row is None or row["owner_id"] != owner or row["expired"]:
            problems.append(
                FieldError(location="body", name=pointer, reason="no such upload of yours (or it expired)")
            )
        elif row["application_id"] is not None and row["application_id"] != application_id:
            problems.append(
                FieldError(location="body", name=pointer, reason="already part of another application")
            )
    if problems:
        raise InvalidInput(f"{len(problems)} material reference(s) need attention", errors=problems)
    unique = list(dict.fromkeys(m for m in ids.values() if m is not None))
    await queries.attach_materials(connection, ids=unique, application_id=application_id)
    return [
        {
            "id": str(m),
            "name": rows[m]["name"],
            "media_type": rows[m]["media_type"],
            "sha256": rows[m]["sha256"].hex(),
            "size": rows[m]["size"],
        }
        for m in unique
    ]


async def store_material(
    pool: asyncpg.Pool,
    storage: MaterialStorage,
    principal: Principal,
    name: str,
    prepared: PreparedMaterial,
    *,
    hours: int,
) -> MaterialRef:
    """Keep a checked upload for its owner; it expires after ``hours`` unless an application references it."""
    material_id = uuid.uuid4()
    stored = await storage.save(material_id, prepared.content)
    async with pool.acquire() as connection:
        await queries.insert_material(
            connection,
            id=material_id,
            owner_id=principal.sub,
            name=name,
            media_type=prepared.media_type,
            size=len(prepared.content),
            sha256=prepared.sha256,
            pages=prepared.pages,
            storage=stored.storage,
            storage_key=stored.key,
            content=stored.inline,
            hours=hours,
        )
    log.info(
        "material.stored",
        material_id=str(material_id),
        media_type=prepared.media_type,
        size=len(prepared.content),
    )
    return MaterialRef(
        id=public_id(material_id),
        name=name,
        media_type=prepared.media_type,
        size=len(prepared.content),
        sha256=prepared.sha256.hex(),
    )


async def read_material(
    pool: asyncpg.Pool,
    storage: MaterialStorage,
    upload: str,
    *,
    owner: str | None = None,
    department: str | None = None,
) -> tuple[MaterialRef, bytes]:
    """The upload's bytes for its owner, or for the department handling the application it belongs to."""
    material_id = parse_public_id(upload)
    row = None
    if material_id is not None:
        async with pool.acquire() as connection:
            if owner is not None:
                row = await queries.material_for_owner(connection, id=material_id, owner_id=owner)
            elif department is not None:
                row = await queries.material_for_department(connection, id=material_id, department=department)
    if row is None:
        raise NotFound("no such upload")
    reference = MaterialRef(
        id=upload,
        name=row["name"],
        media_type=row["media_type"],
        size=row["size"],
        sha256=row["sha256"].hex(),
    )
    return reference, await storage.load(row)


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
        checked = _check_item(screens, request, principal)
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
                raise _field(
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

        item = _check_item(screens, request, principal)
        entry = screens.form(item.code, "zh-CN", capabilities)
        problems = screens.validate(entry, request.form, dt.date.today())
        if problems:
            raise InvalidInput(
                f"{len(problems)} field(s) need attention",
                errors=[
                    FieldError(location="body", name=f"/form{p.pointer}", reason=p.reason) for p in problems
                ],
            )
        credit_code = _check_party(request, principal, profile.enterprise_credit_code)
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
        materials = await _attach_materials(
            connection, _referenced_uploads(request), applicant, application_id
        )
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
        await _tell(
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


async def _recipients(connection: Connection, applicant: Any, credit_code: str | None) -> list[uuid.UUID]:
    people = [applicant if isinstance(applicant, uuid.UUID) else uuid.UUID(str(applicant))]
    if credit_code is not None:
        people += [
            row["account_id"] async for row in queries.enterprise_members(connection, credit_code=credit_code)
        ]
    return people


async def _tell(
    connection: Connection,
    application_id: uuid.UUID,
    item_name: str | None,
    number: str,
    applicant: Any,
    credit_code: str | None,
    status: str,
    message: str | None,
) -> None:
    title = f"{item_name or '办件'}：{status_message(status)}"
    body = f"办件编号 {number}。{message}" if message else f"办件编号 {number}。"
    await record_messages(
        connection,
        await _recipients(connection, applicant, credit_code),
        kind="application.status",
        title=title,
        body=body,
        application_id=application_id,
        status=status,
    )


def _item_name(screens: ItemScreens | None, code: str) -> str | None:
    if screens is None:
        return None
    snapshot = screens.store.snapshot
    position = snapshot.position_by_code.get(code)
    return snapshot.items[position].name if position is not None else None


async def move(
    connection: Connection,
    application: asyncpg.Record,
    target: str,
    *,
    actor_kind: Actor,
    actor: str,
    message: str,
    occurred_at: dt.datetime | None = None,
    item_name: str | None = None,
    receipt_number: str | None = None,
    event_sequence: int | None = None,
) -> None:
    """One transition, inside the caller's transaction on a locked application row: status, timeline, inbox."""
    current = application["status"]
    try:
        check_transition(current, target, actor_kind)
    except IllegalTransition as exc:
        log.warning(
            "application.transition_refused",
            application_id=str(application["id"]),
            current=current,
            target=target,
            actor=actor_kind,
        )
        raise ApplicationConflict(str(exc)) from None
    await queries.set_status(
        connection,
        id=application["id"],
        status=target,
        receipt_number=receipt_number,
        event_sequence=event_sequence,
    )
    await queries.append_timeline(
        connection,
        application_id=application["id"],
        status=target,
        previous_status=current,
        actor_kind=actor_kind,
        actor=actor,
        message=message,
        occurred_at=occurred_at or dt.datetime.now(dt.UTC),
    )
    await _tell(
        connection,
        application["id"],
        item_name,
        application["number"],
        application["applicant_id"],
        application["credit_code"].strip() if application["credit_code"] else None,
        target,
        message,
    )
    log.info(
        "application.transition",
        application_id=str(application["id"]),
        previous=current,
        status=target,
        actor=actor_kind,
    )


# Reading ----------------------------------------------------------------------------------------------------


def _party(row: asyncpg.Record) -> ActingParty:
    code = row["credit_code"]
    return ActingParty(kind=row["party_kind"], credit_code=code.strip() if code else None)


def _encode_cursor(submitted_at: dt.datetime, application_id: uuid.UUID) -> str:
    raw = f"{submitted_at.isoformat()}|{application_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, _, identifier = text.partition("|")
        parsed = dt.datetime.fromisoformat(moment)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed, uuid.UUID(identifier)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(
            "the cursor is not one this API gave out",
            errors=[FieldError(location="query", name="cursor", reason="not a cursor from a previous page")],
        ) from None


async def applications_page(
    pool: asyncpg.Pool,
    screens: ItemScreens | None,
    principal: Principal,
    *,
    status: str | None,
    item_code: str | None,
    submitted_from: dt.date | None,
    submitted_before: dt.date | None,
    cursor: str | None,
    limit: int,
) -> ApplicationPage:
    after_time, after_id = _decode_cursor(cursor) if cursor else (None, None)
    start = dt.datetime.combine(submitted_from, dt.time(), tzinfo=dt.UTC) if submitted_from else None
    end = dt.datetime.combine(submitted_before, dt.time(), tzinfo=dt.UTC) if submitted_before else None
    async with pool.acquire() as connection:
        rows = [
            row
            async for row in queries.visible_applications(
                connection,
                account_id=principal.sub,
                status=status,
                item_code=item_code,
                submitted_from=start,
                submitted_before=end,
                after_time=after_time,
                after_id=after_id,
                limit=limit + 1,
            )
        ]
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        ApplicationSummary(
            id=row["id"],
            number=row["number"],
            item_code=row["item_code"],
            item_name=_item_name(screens, row["item_code"]),
            department=row["department"],
            acting_party=_party(row),
            status=row["status"],
            receipt_number=row["receipt_number"],
            submitted_at=row["submitted_at"],
            updated_at=row["updated_at"],
        )
        for row in rows
    ]
    next_cursor = _encode_cursor(rows[-1]["submitted_at"], rows[-1]["id"]) if more else None
    return ApplicationPage(items=items, next_cursor=next_cursor)


async def application_detail(
    pool: asyncpg.Pool,
    screens: ItemScreens | None,
    principal: Principal,
    application_id: uuid.UUID,
    *,
    language: Locale = "zh-CN",
    base_url: str = "",
) -> ApplicationDetail:
    # One snapshot: read statement by statement, the detail could show a decision that committed between two
    # reads next to the status from before it.
    async with (
        pool.acquire() as connection,
        connection.transaction(isolation="repeatable_read", readonly=True),
    ):
        row = await queries.visible_application(connection, account_id=principal.sub, id=application_id)
        if row is None:
            # Someone else's application reads exactly like a missing one.
            raise NotFound("no application with this id")
        timeline = [t async for t in queries.timeline(connection, application_id=application_id)]
        materials = [
            m async for m in queries.application_materials(connection, application_id=application_id)
        ]
        decision = await queries.decision_view(connection, application_id=application_id)
    return ApplicationDetail(
        decision=None if decision is None else _decision_view(decision, language, base_url),
        id=row["id"],
        number=row["number"],
        item_code=row["item_code"],
        item_name=_item_name(screens, row["item_code"]),
        item_version=row["item_version"],
        department=row["department"],
        acting_party=_party(row),
        status=row["status"],
        receipt_number=row["receipt_number"],
        spec_version=row["spec_version"],
        capabilities=row["capabilities"],
        form=msgspec.json.decode(row["form"]),
        materials=[
            MaterialRef(
                id=public_id(m["id"]),
                name=m["name"],
                media_type=m["media_type"],
                size=m["size"],
                sha256=m["sha256"].hex(),
            )
            for m in materials
        ],
        timeline=[
            TimelineEntry(
                position=t["position"],
                status=t["status"],
                previous_status=t["previous_status"],
                actor=t["actor_kind"],
                actor_id=t["actor"],
                message=t["message"],
                occurred_at=t["occurred_at"],
            )
            for t in timeline
        ],
        submitted_at=row["submitted_at"],
        updated_at=row["updated_at"],
    )


# The applicant's actions ------------------------------------------------------------------------------------


def _decision_view(row: asyncpg.Record, language: Locale, base_url: str) -> DecisionView:
    """The stored decision in the reader's language: it keeps both texts of every check, so none is lost."""
    if row["state"] != "decided" or row["decision"] is None:
        return DecisionView(state="pending")
    decision = msgspec.json.decode(row["decision"], type=Decision)
    english = language == "en"
    result_id = row["result_id"]
    return DecisionView(
        state="decided",
        outcome=decision.outcome,
        decided_at=row["decided_at"],
        explanations=[check.text_en if english else check.text_zh for check in decision.checks],
        reasons=list(decision.reasons_en if english else decision.reasons_zh),
        clerk=(decision.clerk_en if english else decision.clerk_zh) or None,
        result_id=result_id,
        verification_url=None
        if result_id is None
        else base_url.rstrip("/") + f"/v1/results/{result_id}/verification",
    )


async def _locked_visible(
    connection: Connection, principal: Principal, application_id: uuid.UUID
) -> asyncpg.Record:
    if await queries.visible_application(connection, account_id=principal.sub, id=application_id) is None:
        raise NotFound("no application with this id")
    row = await queries.lock_application(connection, id=application_id)
    assert row is not None
    return row


async def withdraw(
    pool: asyncpg.Pool,
    screens: ItemScreens | None,
    principal: Principal,
    application_id: uuid.UUID,
    request: WithdrawRequest,
) -> ApplicationDetail:
    async with pool.acquire() as connection, connection.transaction():
        row = await _locked_visible(connection, principal, application_id)
        previous = row["status"]
        await move(
            connection,
            row,
            "withdrawn",
            actor_kind="applicant",
            actor=principal.sub,
            message=request.reason,
            item_name=_item_name(screens, row["item_code"]),
        )
        # The department hears of it unless it never got the application.
        if previous != "delivery_failed":
            body = {
                "number": row["number"],
                "reason": request.reason,
                "withdrawn_at": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
            }
            await queries.insert_outbox(
                connection,
                application_id=application_id,
                kind="withdrawal",
                department=row["department"],
                path=f"/applications/{row['number'].strip()}/withdrawal",
                body=_encoder.encode(body),
            )
            await queries.notify_outbox(connection)
    return await application_detail(pool, screens, principal, application_id)


async def supplement(
    pool: asyncpg.Pool,
    screens: ItemScreens | None,
    principal: Principal,
    application_id: uuid.UUID,
    request: SupplementRequest,
) -> ApplicationDetail:
    async with pool.acquire() as connection, connection.transaction():
        row = await _locked_visible(connection, principal, application_id)
        if row["status"] != "more_material_needed":
            raise ApplicationConflict(
                f"material can be supplied only when the department asked for more (the application is {row['status']})"
            )
        references = [(f"/materials/{index}", upload) for index, upload in enumerate(request.materials)]
        materials = await _attach_materials(connection, references, uuid.UUID(principal.sub), application_id)
        await move(
            connection,
            row,
            "in_review",
            actor_kind="applicant",
            actor=principal.sub,
            message=request.note or "申请人已补正材料",
            item_name=_item_name(screens, row["item_code"]),
        )
        body = {"number": row["number"], "note": request.note, "materials": materials}
        await queries.insert_outbox(
            connection,
            application_id=application_id,
            kind="supplements",
            department=row["department"],
            path=f"/applications/{row['number'].strip()}/supplements",
            body=_encoder.encode(body),
        )
        await queries.notify_outbox(connection)
    return await application_detail(pool, screens, principal, application_id)


# Department events ------------------------------------------------------------------------------------------


def _event_fingerprint(event: DepartmentEvent) -> bytes:
    return hashlib.sha256(_sorted_encoder.encode(msgspec.to_builtins(event))).digest()


async def apply_department_event(
    pool: asyncpg.Pool, screens: ItemScreens | None, principal: Principal, number: str, event: DepartmentEvent
) -> tuple[EventReceipt, bool]:
    """Record a department's event and apply it in sequence order; returns (receipt, replayed).

    A department touches only its own applications: another's reads as a missing number (404). The same event
    id again is answered as before (replayed); the same id with other content, or a sequence number already
    used by another event, is a conflict. An event ahead of a gap waits until the gap is filled.
    """
    department = principal.claims.get("department")
    digest = _event_fingerprint(event)
    async with pool.acquire() as connection, connection.transaction():
        row = await queries.lock_application_by_number(connection, number=number)
        if row is None or not isinstance(department, str) or row["department"] != department:
            raise NotFound("no application with this number for your department")
        seen = await queries.department_event(connection, event_id=event.event_id)
        if seen is not None:
            if seen["fingerprint"] != digest or seen["application_id"] != row["id"]:
                raise Conflict("this event id was already used for a different event")
            outcome: Literal["applied", "waiting"] = (
                "applied" if seen["applied_at"] is not None else "waiting"
            )
            receipt = EventReceipt(
                event_id=event.event_id,
                outcome=outcome,
                status=row["status"],
                applied_sequence=row["event_sequence"],
            )
            return receipt, True
        if event.sequence <= row["event_sequence"] or await queries.sequence_taken(
            connection, application_id=row["id"], sequence=event.sequence
        ):
            raise Conflict(f"sequence {event.sequence} was already used by another event of this application")
        if event.sequence == row["event_sequence"] + 1:
            # Check before storing, so an illegal event is refused whole (409) and nothing is written.
            check = row["status"]
            try:
                check_transition(check, event.status, "department")
            except IllegalTransition as exc:
                log.warning(
                    "application.transition_refused",
                    application_id=str(row["id"]),
                    current=check,
                    target=event.status,
                    actor="department",
                    sequence=event.sequence,
                )
                raise ApplicationConflict(str(exc)) from None
        await queries.insert_department_event(
            connection,
            event_id=event.event_id,
            application_id=row["id"],
            department=department,
            sequence=event.sequence,
            status=event.status,
            occurred_at=event.occurred_at,
            message=event.message,
            receipt_number=event.receipt_number,
            data=_encoder.encode(event.data).decode(),
            fingerprint=digest,
        )
        status, applied = await _apply_in_sequence(connection, screens, row)
    log.info(
        "department.event",
        application_id=str(row["id"]),
        department=department,
        sequence=event.sequence,
        status=event.status,
        applied_to=applied,
    )
    result: Literal["applied", "waiting"] = "applied" if applied >= event.sequence else "waiting"
    return EventReceipt(
        event_id=event.event_id, outcome=result, status=status, applied_sequence=applied
    ), False


async def _apply_in_sequence(
    connection: Connection, screens: ItemScreens | None, row: asyncpg.Record
) -> tuple[Status, int]:
    """Apply every waiting event that is next in sequence; one that the machine refuses is dropped and logged."""
    item_name = _item_name(screens, row["item_code"])
    while True:
        waiting = await queries.waiting_event(
            connection, application_id=row["id"], sequence=row["event_sequence"] + 1
        )
        if waiting is None:
            return row["status"], row["event_sequence"]
        try:
            async with connection.transaction():
                await move(
                    connection,
                    row,
                    waiting["status"],
                    actor_kind="department",
                    actor=row["department"],
                    message=waiting["message"],
                    occurred_at=waiting["occurred_at"],
                    item_name=item_name,
                    receipt_number=waiting["receipt_number"],
                    event_sequence=waiting["sequence"],
                )
                await queries.mark_event_applied(connection, event_id=waiting["event_id"])
        except ApplicationConflict:
            # An event that waited and no longer fits (the application moved on meanwhile): its sequence is
            # consumed so later events are not held forever; the refusal is in the log.
            log.warning(
                "department.event_dropped", application_id=str(row["id"]), sequence=waiting["sequence"]
            )
            await queries.set_status(
                connection,
                id=row["id"],
                status=row["status"],
                receipt_number=None,
                event_sequence=waiting["sequence"],
            )
            await queries.mark_event_applied(connection, event_id=waiting["event_id"])
        row = await queries.lock_application(connection, id=row["id"])


# Operations: dead letters and outbox depth -----------------------------------------------------------------


async def dead_letters(pool: asyncpg.Pool, *, before_id: int | None, limit: int) -> list[DeadLetter]:
    async with pool.acquire() as connection:
        rows = [r async for r in queries.dead_letters(connection, after_id=before_id, limit=limit)]
    return [
        DeadLetter(
            id=r["id"],
            application_id=r["application_id"],
            number=r["number"].strip(),
            kind=r["kind"],
            department=r["department"],
            attempts=r["attempts"],
            last_outcome=r["last_outcome"],
            last_status=r["last_status"],
            last_error=r["last_error"],
            error_source=r["error_source"],
            created_at=r["created_at"],
            dead_at=r["dead_at"],
        )
        for r in rows
    ]


async def requeue(pool: asyncpg.Pool, outbox_id: int, operator: str) -> None:
    """Put a dead record back in the queue (attempts from zero); a failed submission is ``submitted`` again."""
    async with pool.acquire() as connection, connection.transaction():
        record = await queries.dead_letter_for_update(connection, id=outbox_id)
        if record is None:
            raise NotFound("no outbox record with this id")
        if record["state"] != "dead":
            raise Conflict(f"the record is {record['state']}, not dead: nothing to re-queue")
        await queries.requeue(connection, id=outbox_id)
        if record["kind"] == "submission":
            application = await queries.lock_application(connection, id=record["application_id"])
            if application["status"] == "delivery_failed":
                await move(
                    connection,
                    application,
                    "submitted",
                    actor_kind="operator",
                    actor=operator,
                    message="已重新提交办理部门",
                )
        await queries.notify_outbox(connection)
    log.info("outbox.requeued", outbox_id=outbox_id, operator=operator)


async def outbox_depth(pool: asyncpg.Pool) -> tuple[list[tuple[str, int, float]], int]:
    """Pending records and the age of the oldest, per department; and how many are dead."""
    async with pool.acquire() as connection:
        rows = [
            (r["department"], r["pending"], r["oldest_seconds"])
            async for r in queries.outbox_depth(connection)
        ]
        dead = await queries.dead_count(connection)
    return rows, dead
