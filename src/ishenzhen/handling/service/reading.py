"""The applicant's reading side: the page of their applications, and one application's detail with its
materials, timeline and the rules' decision in the reader's language."""

from __future__ import annotations

import base64
import datetime as dt
import uuid

import asyncpg
import msgspec

from ishenzhen.approvals import Decision
from ishenzhen.errors import FieldError, InvalidInput, NotFound
from ishenzhen.handling._sql import queries
from ishenzhen.handling.materials import public_id
from ishenzhen.handling.schemas import (
    ActingParty,
    ApplicationDetail,
    ApplicationPage,
    ApplicationSummary,
    DecisionView,
    MaterialRef,
    TimelineEntry,
)
from ishenzhen.identity.guards import Principal
from ishenzhen.screens.item_service import ItemScreens
from ishenzhen.ui.resolve import Locale

__all__ = ["application_detail", "applications_page", "item_name_of"]


def item_name_of(screens: ItemScreens | None, code: str) -> str | None:
    """The item's name in the published catalogue; none without a catalogue at hand, or once the item is gone."""
    if screens is None:
        return None
    snapshot = screens.store.snapshot
    position = snapshot.position_by_code.get(code)
    return snapshot.items[position].name if position is not None else None


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
            item_name=item_name_of(screens, row["item_code"]),
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
        item_name=item_name_of(screens, row["item_code"]),
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
