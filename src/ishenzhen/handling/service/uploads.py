"""The applicant's uploads: kept for their owner until an application takes them, read back by the owner or the
handling department, and attached to an application (on submission, or when material is supplemented)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import structlog

from ishenzhen.db.types import Connection
from ishenzhen.errors import FieldError, InvalidInput, NotFound
from ishenzhen.handling._sql import queries
from ishenzhen.handling.materials import MaterialStorage, PreparedMaterial, parse_public_id, public_id
from ishenzhen.handling.schemas import ApplicationRequest, MaterialRef
from ishenzhen.identity.guards import Principal
from ishenzhen.ui.submission import UPLOAD_ID

__all__ = ["attach_materials", "read_material", "referenced_uploads", "store_material"]

log = structlog.get_logger(__name__)


def referenced_uploads(request: ApplicationRequest) -> list[tuple[str, str]]:
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


async def attach_materials(
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
