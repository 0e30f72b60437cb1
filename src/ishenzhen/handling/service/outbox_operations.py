"""The operator's view of the outbox: dead letters, putting one back in the queue, and the depth per department."""

from __future__ import annotations

import asyncpg
import structlog

from ishenzhen.errors import Conflict, NotFound
from ishenzhen.handling._sql import queries
from ishenzhen.handling.schemas import DeadLetter
from ishenzhen.handling.service.transitions import move

__all__ = ["dead_letters", "outbox_depth", "requeue"]

log = structlog.get_logger(__name__)


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
