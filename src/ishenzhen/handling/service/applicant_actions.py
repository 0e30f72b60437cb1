"""What the applicant does to an application once submitted: withdraw it, or supply the material the department
asked for; each tells the department through the outbox in the same transaction."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import msgspec

from ishenzhen.db.types import Connection
from ishenzhen.errors import NotFound
from ishenzhen.handling._sql import queries
from ishenzhen.handling.schemas import ApplicationDetail, SupplementRequest, WithdrawRequest
from ishenzhen.handling.service.reading import application_detail, item_name_of
from ishenzhen.handling.service.transitions import ApplicationConflict, move
from ishenzhen.handling.service.uploads import attach_materials
from ishenzhen.identity.guards import Principal
from ishenzhen.screens.item_service import ItemScreens

__all__ = ["supplement", "withdraw"]

_encoder = msgspec.json.Encoder()


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
            item_name=item_name_of(screens, row["item_code"]),
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
        materials = await attach_materials(connection, references, uuid.UUID(principal.sub), application_id)
        await move(
            connection,
            row,
            "in_review",
            actor_kind="applicant",
            actor=principal.sub,
            message=request.note or "申请人已补正材料",
            item_name=item_name_of(screens, row["item_code"]),
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
