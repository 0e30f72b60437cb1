"""Issuing, verifying and revoking results (approval documents), each a JWS signed with the published keys."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import structlog

from ishenzhen.db.sql import load_queries
from ishenzhen.errors import NotFound
from ishenzhen.results.schemas import HeldResult, HeldResults, ResultRevocation, ResultVerification

__all__ = ["Signer", "held_results", "issue", "revoke", "verification", "verification_path"]

log = structlog.get_logger(__name__)
# aiosql makes its query methods at run time: typed as Any.
queries: Any = load_queries(Path(__file__).with_name("queries.sql"))
# Claims -> compact JWS (``ishenzhen.identity.sign_document`` bound to the app's identity state).
Signer = Callable[[dict[str, Any]], str]


def verification_path(result_id: uuid.UUID) -> str:
    return f"/v1/results/{result_id}/verification"


async def issue(
    connection: Any,
    sign: Signer,
    *,
    base_url: str,
    application_id: uuid.UUID,
    number: str,
    item_code: str,
    item_name: str | None,
    holder: str,
    decision: dict[str, Any],
) -> uuid.UUID:
    """Sign and store the approval document, inside the caller's transaction (it commits with the decision).

    The document names the holder by account subject, not by ID number: it is shown as a QR code, and the
    verification URL in it leads to the register of issued results, not to personal data.
    """
    result_id = uuid.uuid4()
    now = dt.datetime.now(dt.UTC)
    claims = {
        "jti": str(result_id),
        "sub": holder,
        "application_number": number,
        "item_code": item_code,
        "item_name": item_name,
        "outcome": "approved",
        "rule_set_version": decision.get("rule_set_version"),
        "decided_on": decision.get("decided_on"),
        "tier": decision.get("tier"),
        "result": decision.get("result", {}),
        "verification_url": base_url.rstrip("/") + verification_path(result_id),
    }
    document = sign(claims)
    await queries.insert_result(
        connection,
        id=result_id,
        application_id=application_id,
        item_code=item_code,
        document=document,
        issued_at=now,
    )
    log.info(
        "result.issued", result_id=str(result_id), application_id=str(application_id), item_code=item_code
    )
    return result_id


async def verification(pool: asyncpg.Pool, result_id: uuid.UUID) -> ResultVerification:
    async with pool.acquire() as connection:
        row = await queries.result_by_id(connection, id=result_id)
    if row is None:
        raise NotFound("no result was issued with this id")
    return ResultVerification(
        id=row["id"],
        status="revoked" if row["revoked_at"] else "valid",
        item_code=row["item_code"],
        issued_at=row["issued_at"],
        document=row["document"],
        revoked_at=row["revoked_at"],
        revocation_reason=row["revocation_reason"],
        revocation_category=row["revocation_category"],
    )


async def revoke(
    pool: asyncpg.Pool, result_id: uuid.UUID, request: ResultRevocation, *, department: str, client_id: str
) -> tuple[ResultVerification, bool]:
    """Revoke a result the caller's department issued; the first revocation stands and a replay answers it again.

    Returns the verification as the public now sees it and whether this request was a replay. Every request is
    audited, replays included. A result of another department is "not found", so ids cannot be probed.
    """
    async with pool.acquire() as connection, connection.transaction():
        row = await queries.revoke_result(
            connection,
            id=result_id,
            reason=request.reason,
            category=request.category,
            department=department,
            revoked_by=client_id,
        )
        if row is None:
            raise NotFound("no result of your department was issued with this id")
        replayed = bool(row["replayed"])
        await queries.audit_revocation(
            connection,
            result_id=result_id,
            client_id=client_id,
            department=department,
            category=request.category,
            replayed=replayed,
        )
    log.info(
        "result.revoked",
        result_id=str(result_id),
        department=department,
        category=request.category,
        replayed=replayed,
    )
    return await verification(pool, result_id), replayed


async def held_results(pool: asyncpg.Pool, applicant_id: uuid.UUID, base_url: str) -> HeldResults:
    async with pool.acquire() as connection:
        rows = [row async for row in queries.results_of_holder(connection, applicant_id=applicant_id)]
    return HeldResults(
        results=[
            HeldResult(
                id=row["id"],
                application_id=row["application_id"],
                item_code=row["item_code"],
                status="revoked" if row["revoked_at"] else "valid",
                issued_at=row["issued_at"],
                verification_url=base_url.rstrip("/") + verification_path(row["id"]),
                revoked_at=row["revoked_at"],
                revocation_category=row["revocation_category"],
            )
            for row in rows
        ]
    )
