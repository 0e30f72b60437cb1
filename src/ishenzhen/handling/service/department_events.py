"""The department's side: status events it sends about its own applications, de-duplicated by event id and
applied strictly in sequence order."""

from __future__ import annotations

import hashlib
from typing import Literal

import asyncpg
import msgspec
import structlog

from ishenzhen.db.types import Connection
from ishenzhen.errors import Conflict, NotFound
from ishenzhen.handling._sql import queries
from ishenzhen.handling.schemas import DepartmentEvent, EventReceipt
from ishenzhen.handling.service.reading import item_name_of
from ishenzhen.handling.service.transitions import ApplicationConflict, move
from ishenzhen.handling.states import IllegalTransition, Status, check_transition
from ishenzhen.identity.guards import Principal
from ishenzhen.screens.item_service import ItemScreens

__all__ = ["apply_department_event"]

log = structlog.get_logger(__name__)
_encoder = msgspec.json.Encoder()
_sorted_encoder = msgspec.json.Encoder(order="sorted")


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
    item_name = item_name_of(screens, row["item_code"])
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
