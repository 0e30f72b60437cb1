"""Sharing's services: fetch a rule set's facts and log the pulls either way; read a subject's log."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from typing import Any, Literal
from zoneinfo import ZoneInfo

import asyncpg

from ishenzhen.approvals import FACT_SCHEMA, RuleSet
from ishenzhen.approvals.facts import LICENCE_TYPES, SOURCE_LABELS
from ishenzhen.errors import PermissionDenied, ServiceUnavailable
from ishenzhen.identity.accounts.service import party_of
from ishenzhen.identity.guards import Principal
from ishenzhen.settings import Settings
from ishenzhen.sharing.access_log import AccessBasis, AuditKey, Connection, queries, record_pulls
from ishenzhen.sharing.client import WALLET_FIELDS, Fetched, PlatformClient
from ishenzhen.sharing.schemas import DataAccessEntry, DataAccessPage, Licence, LicenceStatus, LicenceWallet

__all__ = [
    "DEVELOPMENT_AUDIT_KEY",
    "audit_key",
    "data_access",
    "fetch_facts",
    "licence_reference",
    "licence_wallet",
    "platform_client",
    "prefill_licences",
    "resident_id_of",
    "wallet_holder",
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
_EXTRA_FIELDS = {
    "name_availability": ("企业名称可用性", "name availability"),
    WALLET_FIELDS: (
        "全部电子证照（类型、编号、发证机关、日期、状态）",
        "all e-licences (type, number, issuer, dates, status)",
    ),
}
_LICENCE_STATUS: dict[str, tuple[str, str]] = {
    "valid": ("有效", "valid"),
    "expired": ("已过期", "expired"),
    "revoked": ("已注销", "revoked"),
}
_STATUS_ORDER = {"valid": 0, "expired": 1, "revoked": 2}
# The scope a wallet read needs; an agent (经办人) also needs it among the scopes the enterprise granted.
WALLET_SCOPE = "licences"
WALLET_BASIS = AccessBasis(requester="gateway:wallet", purpose="citizen_view", citizen_action="view_licences")
SHENZHEN = ZoneInfo("Asia/Shanghai")


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


async def wallet_holder(
    connection: Connection, principal: Principal
) -> tuple[str, Literal["person", "enterprise"]] | None:
    """Whose licences ``principal`` may read: the acting enterprise (its legal representative, or an agent the
    enterprise granted the wallet scope, checked in the database now, not from the token), else the citizen's
    own resident ID; None for a citizen not verified by real name (no register holds anything of theirs)."""
    try:
        account = uuid.UUID(principal.sub)
    except ValueError:
        return None
    if principal.party is not None:
        party = await party_of(connection, account, principal.party)
        if party is None:
            raise PermissionDenied(
                "you no longer hold a role in this enterprise (the grant ended or was revoked)"
            )
        if party.role != "legal_representative" and WALLET_SCOPE not in party.scopes:
            raise PermissionDenied(
                "the enterprise has not let its agents see its licences: its legal representative can grant "
                f"the {WALLET_SCOPE} scope"
            )
        return party.credit_code, "enterprise"
    resident_id = await resident_id_of(connection, account)
    return (resident_id, "person") if resident_id is not None else None


def licence_status(licence: Mapping[str, Any], today: dt.date) -> LicenceStatus:
    """The register's flag, except that a licence past its expiry date is expired even if still flagged valid."""
    if licence.get("status") == "revoked":
        return "revoked"
    expires = licence.get("expires_on")
    if licence.get("status") == "expired" or (isinstance(expires, str) and expires < today.isoformat()):
        return "expired"
    return "valid" if licence.get("status") == "valid" else "revoked"


def _text(value: Any, limit: int = 200) -> str:
    return str(value)[:limit] if value is not None else ""


def licence_reference(holder: str, kind: str, number: str) -> str:
    """The wallet reference of one licence: stable, and naming neither the holder nor the number (a resident
    ID card's number is the ID number), so it can sit in a form, a URL or a log line."""
    return "elc_" + hashlib.sha256(f"{holder}\n{kind}\n{number}".encode()).hexdigest()[:32]


def _licence(holder: str, licence: Mapping[str, Any], today: dt.date, index: int) -> Licence:
    kind = _text(licence.get("type"), 64)
    number = _text(licence.get("number"), 64)
    status = licence_status(licence, today)
    expires = licence.get("expires_on")
    level = licence.get("level")
    return Licence(
        type=kind,
        type_name=LICENCE_TYPES.get(kind, (kind, kind))[index],
        reference=licence_reference(holder, kind, number),
        number=number,
        holder_name=_text(licence.get("holder_name")),
        issuer=_text(licence.get("issuer")),
        issued_on=_text(licence.get("issued_on"), 10),
        expires_on=_text(expires, 10) if expires else None,
        status=status,
        status_name=_LICENCE_STATUS[status][index],
        grade=_text(licence.get("grade"), 8),
        level=_text(level, 32) if level else None,
    )


async def licence_wallet(
    connection: Connection,
    client: PlatformClient,
    holder: str,
    holder_kind: Literal["person", "enterprise"],
    *,
    language: Literal["zh-CN", "en"],
    today: dt.date | None = None,
) -> LicenceWallet:
    """The holder's licences from the register, as an explicit citizen action logged whatever came back."""
    today = today or dt.datetime.now(SHENZHEN).date()
    licences, pull = await client.licences_of(holder, holder_kind, basis=WALLET_BASIS)
    (entry,) = await record_pulls(connection, WALLET_BASIS, [pull])
    if pull.outcome in ("unavailable", "refused", "inconsistent"):
        raise ServiceUnavailable("the e-licence register cannot be reached just now; try again in a minute")
    index = 0 if language == "zh-CN" else 1
    shown = sorted(
        (_licence(holder, licence, today, index) for licence in licences),
        key=lambda licence: (
            _STATUS_ORDER[licence.status],
            [-ord(c) for c in licence.issued_on],
            licence.type,
        ),
    )
    return LicenceWallet(holder_kind=holder_kind, licences=shown, access_log_id=entry)


async def prefill_licences(
    connection: Connection,
    client: PlatformClient,
    principal: Principal,
    item_code: str,
    *,
    language: Literal["zh-CN", "en"],
    today: dt.date | None = None,
) -> list[Licence] | None:
    """The caller's valid licences (newest first per type) to prefill ``item_code``'s form, the pull logged
    as the citizen opening the form; None when the register cannot answer (the form is then asked in full)."""
    holder = await wallet_holder(connection, principal)
    if holder is None:
        return []
    basis = AccessBasis(
        requester="gateway:prefill", purpose="prefill", citizen_action="open_form", item_code=item_code
    )
    licences, pull = await client.licences_of(holder[0], holder[1], basis=basis)
    await record_pulls(connection, basis, [pull])
    if pull.outcome not in ("ok", "not_found"):
        return None
    today = today or dt.datetime.now(SHENZHEN).date()
    index = 0 if language == "zh-CN" else 1
    valid = [_licence(holder[0], licence, today, index) for licence in licences]
    return sorted(
        (licence for licence in valid if licence.status == "valid"),
        key=lambda licence: licence.issued_on,
        reverse=True,
    )
