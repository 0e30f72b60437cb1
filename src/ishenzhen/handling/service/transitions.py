"""One move of an application through the state machine (``states``), inside the caller's transaction on the
locked row: the new status, one timeline row, and the inbox messages to everyone who follows the application."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg
import structlog

from ishenzhen.db.types import Connection
from ishenzhen.errors import Conflict
from ishenzhen.handling._sql import queries
from ishenzhen.handling.states import Actor, IllegalTransition, check_transition
from ishenzhen.handling.texts import status_message
from ishenzhen.notifications.service import record_messages

__all__ = ["ApplicationConflict", "move", "tell_parties"]

log = structlog.get_logger(__name__)


class ApplicationConflict(Conflict):
    slug = "illegal-transition"
    title = "当前状态不允许此操作 Not allowed in this status"


async def _recipients(connection: Connection, applicant: Any, credit_code: str | None) -> list[uuid.UUID]:
    people = [applicant if isinstance(applicant, uuid.UUID) else uuid.UUID(str(applicant))]
    if credit_code is not None:
        people += [
            row["account_id"] async for row in queries.enterprise_members(connection, credit_code=credit_code)
        ]
    return people


async def tell_parties(
    connection: Connection,
    application_id: uuid.UUID,
    item_name: str | None,
    number: str,
    applicant: Any,
    credit_code: str | None,
    status: str,
    message: str | None,
) -> None:
    """One inbox message about the application's new status to the applicant and, when the application is
    made for an enterprise, to each of its members."""
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
    await tell_parties(
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
