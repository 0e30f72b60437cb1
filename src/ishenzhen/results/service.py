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
from ishenzhen.results.schemas import ResultVerification

__all__ = ["Signer", "issue", "revoke", "verification", "verification_path"]

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
    )


async def revoke(pool: asyncpg.Pool, result_id: uuid.UUID, reason: str) -> ResultVerification:
    """Revoke an issued result (the first revocation and its reason stand); the verification endpoint shows it."""
    async with pool.acquire() as connection:
        row = await queries.revoke_result(connection, id=result_id, reason=reason[:500] or "revoked")
    if row is None:
        raise NotFound("no result was issued with this id")
    log.info("result.revoked", result_id=str(result_id))
    return await verification(pool, result_id)
