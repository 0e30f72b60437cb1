"""The data-access log: append pulls to per-subject hash chains, sign checkpoints, verify everything.

``entry_hash = SHA-256(prev_hash || canonical JSON of the entry)``; the first entry of a subject links to 32 zero
bytes. A checkpoint is a compact JWS (Ed25519, RFC 9864's algorithm name) over the digest of every chain head as
of one entry id and the previous checkpoint's digest. The signing key comes from settings, not from the
database, so someone who can rewrite the tables cannot re-sign what they rewrote.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import asyncpg
import structlog
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from ishenzhen.db.sql import load_queries

__all__ = [
    "GENESIS",
    "AccessBasis",
    "AuditKey",
    "Broken",
    "Connection",
    "Pull",
    "Verification",
    "entry_hash",
    "queries",
    "record_pulls",
    "verify_log",
    "write_checkpoint",
]

log = structlog.get_logger(__name__)
# aiosql builds the query methods at run time, so their names are not known to the type checker.
queries: Any = load_queries(Path(__file__).with_name("queries.sql"))
GENESIS = bytes(32)
_ALGORITHM = "Ed25519"
_BATCH = 5000
# A plain connection or one borrowed from a pool: both run the queries.
Connection = asyncpg.Connection | asyncpg.pool.PoolConnectionProxy
PullOutcome = Literal["ok", "not_found", "unavailable", "inconsistent", "refused"]


@dataclass(frozen=True, slots=True)
class AccessBasis:
    """On whose behalf and why data are pulled: an application or an explicit citizen action, never neither."""

    requester: str
    purpose: str
    application_id: uuid.UUID | None = None
    citizen_action: str | None = None
    item_code: str | None = None

    def __post_init__(self) -> None:
        if (self.application_id is None) == (self.citizen_action is None):
            raise ValueError("a pull is bound to exactly one of an application or a citizen action")

    @property
    def header(self) -> str:
        if self.application_id is not None:
            return f"application:{self.application_id}"
        return f"citizen_action:{self.citizen_action}"


@dataclass(frozen=True, slots=True)
class Pull:
    """One request to one source about one subject: the fields asked for (names only) and how it went."""

    subject: str
    subject_kind: Literal["person", "enterprise"]
    source: str
    fields: tuple[str, ...]
    outcome: PullOutcome


def _canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(prev_hash: bytes, entry: dict[str, Any]) -> bytes:
    return hashlib.sha256(prev_hash + _canonical(entry)).digest()


def _entry_document(
    *,
    subject: str,
    subject_kind: str,
    seq: int,
    at: dt.datetime,
    requester: str,
    source: str,
    fields: Sequence[str],
    purpose: str,
    application_id: uuid.UUID | None,
    citizen_action: str | None,
    item_code: str | None,
    outcome: str,
) -> dict[str, Any]:
    return {
        "subject": subject,
        "subject_kind": subject_kind,
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "requester": requester,
        "source": source,
        "fields": list(fields),
        "purpose": purpose,
        "application_id": str(application_id) if application_id else None,
        "citizen_action": citizen_action,
        "item_code": item_code,
        "outcome": outcome,
    }


async def record_pulls(
    connection: Connection, basis: AccessBasis, pulls: Iterable[Pull], at: dt.datetime | None = None
) -> list[int]:
    """Append the pulls in one transaction; subjects are locked in a fixed order so writers never deadlock.

    Pass the connection of the transaction that records the decision to commit both together.
    """
    pulls = list(pulls)
    at = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    rows: list[dict[str, Any]] = []
    async with connection.transaction():
        for subject in sorted({pull.subject for pull in pulls}):
            await queries.lock_subject(connection, subject=subject)
            head = await queries.chain_head(connection, subject=subject)
            seq, prev = (int(head["seq"]), bytes(head["entry_hash"])) if head else (0, GENESIS)
            for pull in (p for p in pulls if p.subject == subject):
                seq += 1
                document = _entry_document(
                    subject=subject,
                    subject_kind=pull.subject_kind,
                    seq=seq,
                    at=at,
                    requester=basis.requester,
                    source=pull.source,
                    fields=pull.fields,
                    purpose=basis.purpose,
                    application_id=basis.application_id,
                    citizen_action=basis.citizen_action,
                    item_code=basis.item_code,
                    outcome=pull.outcome,
                )
                digest = entry_hash(prev, document)
                rows.append({**document, "prev_hash": prev.hex(), "entry_hash": digest.hex()})
                prev = digest
        ids = (
            [row["id"] async for row in queries.insert_entries(connection, entries=json.dumps(rows))]
            if rows
            else []
        )
    log.info(
        "sharing.pulls_logged",
        entries=len(ids),
        purpose=basis.purpose,
        sources=sorted({p.source for p in pulls}),
    )
    return ids


class AuditKey:
    """The checkpoint signing key (Ed25519), from a 32-byte seed given in settings (base64url)."""

    def __init__(self, seed_b64: str) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        seed = base64.urlsafe_b64decode(seed_b64 + "=" * (-len(seed_b64) % 4))
        if len(seed) != 32:
            raise ValueError("the audit signing key is a base64url 32-byte Ed25519 seed")
        public = (
            Ed25519PrivateKey.from_private_bytes(seed)
            .public_key()
            .public_bytes(Encoding.Raw, PublicFormat.Raw)
        )

        def b64(raw: bytes) -> str:
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        self.key_id = "audit-" + hashlib.sha256(public).hexdigest()[:16]
        self.private = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "d": b64(seed), "x": b64(public)})
        self.public_jwk = {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64(public),
            "kid": self.key_id,
            "alg": _ALGORITHM,
        }
        self.public = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": b64(public)})


def _heads_digest(heads: Iterable[asyncpg.Record | dict[str, Any]]) -> tuple[bytes, int]:
    digest = hashlib.sha256()
    count = 0
    for head in heads:
        digest.update(f"{head['subject']}:{head['seq']}:".encode() + bytes(head["entry_hash"]) + b"\n")
        count += 1
    return digest.digest(), count


async def write_checkpoint(connection: Connection, key: AuditKey) -> int | None:
    """Sign the heads of every chain as of now; None when nothing was appended since the last checkpoint."""
    async with connection.transaction(isolation="repeatable_read"):
        last_id = await queries.last_entry_id(connection)
        latest = await queries.latest_checkpoint(connection)
        if latest is not None and latest["last_id"] == last_id:
            return None
        heads = [row async for row in queries.heads_as_of(connection, last_id=last_id)]
        # Sorted here, not by the database's collation, so the verifier recomputes the same order.
        digest, subjects = _heads_digest(sorted(heads, key=lambda head: head["subject"]))
        prev = bytes(latest["heads_digest"]) if latest else GENESIS
        payload = _canonical(
            {"last_id": last_id, "subjects": subjects, "heads": digest.hex(), "prev": prev.hex()}
        )
        token = jws.serialize_compact(
            {"alg": _ALGORITHM, "kid": key.key_id, "typ": "access-log-checkpoint"},
            payload,
            key.private,
            algorithms=[_ALGORITHM],
        )
        row = await queries.insert_checkpoint(
            connection,
            last_id=last_id,
            subjects=subjects,
            heads_digest=digest,
            prev_digest=prev,
            key_id=key.key_id,
            jws=token,
        )
    log.info("sharing.checkpoint_signed", checkpoint=row["id"], last_id=last_id, subjects=subjects)
    return int(row["id"])


@dataclass(frozen=True, slots=True)
class Broken:
    """The first entry (or checkpoint) that does not verify, and why."""

    kind: Literal["entry", "checkpoint"]
    id: int
    subject: str | None
    seq: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class Verification:
    entries: int
    subjects: int
    checkpoints: int
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None


async def verify_log(connection: Connection, key: AuditKey) -> Verification:
    """Recompute every chain and check every checkpoint; name the first broken entry by id."""
    heads: dict[str, tuple[int, bytes]] = {}
    heads_at: dict[int, dict[str, tuple[int, bytes]]] = {}
    checkpoints = [row async for row in queries.checkpoints(connection)]
    wanted = sorted({int(c["last_id"]) for c in checkpoints})
    broken: Broken | None = None
    entries = 0
    after = 0
    while True:
        rows = [row async for row in queries.all_entries_from(connection, after_id=after, batch=_BATCH)]
        if not rows:
            break
        for row in rows:
            while wanted and row["id"] > wanted[0]:
                heads_at[wanted.pop(0)] = dict(heads)
            entries += 1
            subject = row["subject"]
            seq, prev = heads.get(subject, (0, GENESIS))
            document = _entry_document(
                subject=subject,
                subject_kind=row["subject_kind"],
                seq=row["seq"],
                at=row["at"],
                requester=row["requester"],
                source=row["source"],
                fields=row["fields"],
                purpose=row["purpose"],
                application_id=row["application_id"],
                citizen_action=row["citizen_action"],
                item_code=row["item_code"],
                outcome=row["outcome"],
            )
            reason = None
            if row["seq"] != seq + 1:
                reason = f"sequence jumps from {seq} to {row['seq']}: entries are missing or reordered"
            elif bytes(row["prev_hash"]) != prev:
                reason = "prev_hash does not match the previous entry of this subject"
            elif bytes(row["entry_hash"]) != entry_hash(prev, document):
                reason = "entry_hash does not match the entry's content: the entry was changed"
            if reason and broken is None:
                broken = Broken("entry", int(row["id"]), subject, int(row["seq"]), reason)
            heads[subject] = (int(row["seq"]), bytes(row["entry_hash"]))
            after = int(row["id"])
    for last_id in wanted:
        heads_at[last_id] = dict(heads)
    if broken is None:
        broken = _verify_checkpoints(checkpoints, heads_at, key)
    return Verification(entries=entries, subjects=len(heads), checkpoints=len(checkpoints), broken=broken)


def _verify_checkpoints(
    checkpoints: Sequence[asyncpg.Record], heads_at: dict[int, dict[str, tuple[int, bytes]]], key: AuditKey
) -> Broken | None:
    prev = GENESIS
    for checkpoint in checkpoints:
        where = int(checkpoint["id"])
        try:
            token = jws.deserialize_compact(checkpoint["jws"], key.public, algorithms=[_ALGORITHM])
            payload = json.loads(token.payload)
        except (JoseError, ValueError) as exc:
            return Broken(
                "checkpoint", where, None, None, f"signature does not verify ({type(exc).__name__})"
            )
        heads = heads_at.get(int(checkpoint["last_id"]), {})
        digest, subjects = _heads_digest(
            {"subject": s, "seq": seq, "entry_hash": h} for s, (seq, h) in sorted(heads.items())
        )
        if payload.get("prev") != prev.hex() or bytes(checkpoint["prev_digest"]) != prev:
            return Broken("checkpoint", where, None, None, "does not link to the previous checkpoint")
        if payload.get("heads") != digest.hex() or payload.get("last_id") != checkpoint["last_id"]:
            return Broken(
                "checkpoint",
                where,
                None,
                None,
                f"chain heads as of entry {checkpoint['last_id']} differ from what was signed "
                f"({subjects} subjects now, {payload.get('subjects')} signed): entries were removed or rewritten",
            )
        prev = bytes(checkpoint["heads_digest"])
    return None
