"""Sharing's services: fetch a rule set's facts and log the pulls either way; read a subject's log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

import asyncpg

from ishenzhen.approvals import FACT_SCHEMA, RuleSet
from ishenzhen.approvals.facts import LICENCE_TYPES, SOURCE_LABELS
from ishenzhen.settings import Settings
from ishenzhen.sharing.access_log import AccessBasis, AuditKey, Connection, queries, record_pulls
from ishenzhen.sharing.client import Fetched, PlatformClient
from ishenzhen.sharing.schemas import DataAccessEntry, DataAccessPage

__all__ = [
    "DEVELOPMENT_AUDIT_KEY",
    "audit_key",
    "data_access",
    "fetch_facts",
    "platform_client",
    "resident_id_of",
]

# Development only (refused in production by ``audit_key``): anyone can derive it, so it proves nothing.
DEVELOPMENT_AUDIT_KEY = "ZGV2LW9ubHktYXVkaXQta2V5LWRvLW5vdC11c2UtISE"
MAX_PAGE = 100
_PURPOSES = {
    "instant_approval": ("秒批审核", "instant approval"),
    "application_review": ("办件审核", "application review"),
    "citizen_view": ("本人查询", "your own request"),
    "prefill": ("表单预填", "form prefill"),
}
_OUTCOMES = {
    "ok": ("已获取", "retrieved"),
    "not_found": ("无记录", "no record"),
    "unavailable": ("数据源不可用", "source unavailable"),
    "inconsistent": ("数据不一致", "contradictory data"),
    "refused": ("被拒绝", "refused"),
}
_EXTRA_FIELDS = {"name_availability": ("企业名称可用性", "name availability")}


class AuditKeyMissing(RuntimeError):
    """Production needs its own checkpoint key."""


def audit_key(settings: Settings) -> AuditKey:
    if settings.sharing.audit_key is None:
        if settings.is_production:
            raise AuditKeyMissing("ISHENZHEN_SHARING_AUDIT_KEY is required in production")
        return AuditKey(DEVELOPMENT_AUDIT_KEY)
    return AuditKey(settings.sharing.audit_key)


def platform_client(settings: Settings) -> PlatformClient:
    return PlatformClient(
        settings.sharing.platform_url,
        settings.sharing.client_id,
        settings.sharing.client_secret,
        timeout=settings.sharing.timeout_seconds,
    )


async def fetch_facts(
    pool: asyncpg.Pool,
    client: PlatformClient,
    rule_set: RuleSet,
    *,
    basis: AccessBasis,
    on: dt.date,
    person: str | None = None,
    enterprise: str | None = None,
    proposed_name: str | None = None,
) -> Fetched:
    """Pull what ``rule_set`` reads and append every pull to the access log, whatever came back."""
    fetched = await client.fetch_facts(
        rule_set, basis=basis, on=on, person=person, enterprise=enterprise, proposed_name=proposed_name
    )
    if fetched.pulls:
        async with pool.acquire() as connection:
            await record_pulls(connection, basis, fetched.pulls)
    return fetched


def _field_name(source: str, field: str, language: int) -> str:
    if field in _EXTRA_FIELDS:
        return _EXTRA_FIELDS[field][language]
    if source == "e_licence":
        kind, _, name = field.partition(".")
        spec = FACT_SCHEMA["licences"].fields.get(name)
        label = LICENCE_TYPES.get(kind, (kind, kind))[language]
        return f"{label}{'' if language == 0 else ' '}{(spec.zh, spec.en)[language] if spec else name}"
    for namespace in FACT_SCHEMA.values():
        if namespace.source == source and field in namespace.fields:
            spec = namespace.fields[field]
            return (spec.zh, spec.en)[language]
    return field


async def resident_id_of(connection: Connection, account_id: uuid.UUID) -> str | None:
    value = await queries.resident_id_of_account(connection, id=account_id)
    return value if isinstance(value, str) else None


async def data_access(
    connection: Connection,
    subject: str,
    subject_kind: Literal["person", "enterprise"],
    *,
    language: Literal["zh-CN", "en"],
    before: int | None = None,
    page_size: int = 50,
) -> DataAccessPage:
    """A subject's log, newest first, in their language; ``before`` pages to older entries."""
    index = 0 if language == "zh-CN" else 1
    size = min(page_size, MAX_PAGE)
    found = queries.entries_of(connection, subject=subject, before_id=before, page_size=size + 1)
    rows = [row async for row in found]
    more = len(rows) > min(page_size, MAX_PAGE)
    rows = rows[: min(page_size, MAX_PAGE)]
    entries = [
        DataAccessEntry(
            id=row["id"],
            at=row["at"].astimezone(dt.UTC).isoformat(),
            source=row["source"],
            source_name=SOURCE_LABELS[row["source"]][index],
            fields=list(row["fields"]),
            field_names=[_field_name(row["source"], f, index) for f in row["fields"]],
            purpose=row["purpose"],
            purpose_name=_PURPOSES.get(row["purpose"], (row["purpose"], row["purpose"]))[index],
            application_id=str(row["application_id"]) if row["application_id"] else None,
            citizen_action=row["citizen_action"],
            item_code=row["item_code"],
            outcome=row["outcome"],
            outcome_name=_OUTCOMES[row["outcome"]][index],
            requester=row["requester"],
        )
        for row in rows
    ]
    return DataAccessPage(
        subject_kind=subject_kind, entries=entries, next_before=entries[-1].id if more and entries else None
    )
