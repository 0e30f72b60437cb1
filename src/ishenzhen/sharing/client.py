"""The data-sharing platform client: signed requests, explicit timeouts, the facts a rule set needs in parallel.

One long-lived ``httpx.AsyncClient`` per platform. Every request carries its purpose and basis (an application
or a citizen action) in signed headers (HMAC-SHA256 over method, path, query, timestamp, client, purpose and
basis; the platform refuses unsigned or purpose-less calls). A source that times out, refuses or fails is
``unavailable`` for this decision, which the rules turn into manual review; nothing is retried on the
decision's path, because a second try would double the wait the citizen sees while the clerk fallback is safe.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlencode

import httpx
import structlog

from ishenzhen.approvals import Facts, RuleSet
from ishenzhen.sharing.access_log import AccessBasis, Pull, PullOutcome

__all__ = ["MAX_WALLET", "WALLET_FIELDS", "Fetched", "PlatformClient", "merge_credit"]

log = structlog.get_logger(__name__)
_STATE_RANK = {"ok": 0, "not_found": 1, "inconsistent": 2, "unavailable": 3}
# Bodies beyond this are not what the platform sends; refuse rather than parse them.
MAX_BODY_BYTES = 256 * 1024
# A holder has a few dozen licences at most; more would be a register fault, not a wallet to draw.
MAX_WALLET = 200
# The field name a wallet pull logs: every licence of the holder, all of its fields.
WALLET_FIELDS = "all_licences"


@dataclass(frozen=True, slots=True)
class Fetched:
    facts: Facts
    pulls: tuple[Pull, ...]


def _signature(
    secret: bytes, method: str, path: str, query: str, timestamp: str, client: str, purpose: str, basis: str
) -> str:
    message = "\n".join((method, path, query, timestamp, client, purpose, basis)).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def merge_credit(
    person: Mapping[str, Any] | None, enterprise: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """One ``credit`` record for rules about both a person and an enterprise.

    A dishonesty listing of either counts; abnormal operation is the enterprise's; the rest are the person's.
    """
    if person is None and enterprise is None:
        return None
    merged: dict[str, Any] = dict(person or {})
    if enterprise is not None:
        merged["abnormal_operation"] = enterprise.get("abnormal_operation")
        if person is None:
            merged.update(enterprise)
        elif "dishonest" in person and "dishonest" in enterprise:
            merged["dishonest"] = bool(person["dishonest"]) or bool(enterprise["dishonest"])
        else:
            merged.pop("dishonest", None)  # one side unknown: the rule cannot decide
    return merged


def _best_licences(licences: list[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """One record per licence type: a valid one if any, else the most recently issued."""
    best: dict[str, dict[str, Any]] = {}
    for licence in licences:
        kind = licence.get("type")
        if not isinstance(kind, str):
            continue
        current = best.get(kind)
        rank = (licence.get("status") == "valid", str(licence.get("issued_on") or ""))
        if current is None or rank > (current.get("status") == "valid", str(current.get("issued_on") or "")):
            best[kind] = dict(licence)
    return best


class PlatformClient:
    """Talks to the data-sharing platform on behalf of the gateway (``requester``)."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        secret: str,
        *,
        timeout: float = 0.8,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        max_connections: int = 64,
    ) -> None:
        self._client_id = client_id
        self._secret = secret.encode()
        # httpx's timeouts bound each network step; this bounds the whole pull (connect, send, wait, read).
        self._deadline = timeout
        self._clock = clock
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 0.5)),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            transport=transport,
            follow_redirects=False,
            trust_env=False,
        )

    @property
    def deadline(self) -> float:
        """Seconds one pull may take in all (connect, send, wait, read); callers bound their own waits by it."""
        return self._deadline

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _get(
        self, source: str, path: str, params: Mapping[str, str], basis: AccessBasis
    ) -> tuple[PullOutcome, Any]:
        query = urlencode(sorted(params.items()), quote_via=quote)
        timestamp = str(int(self._clock()))
        headers = {
            "x-client-id": self._client_id,
            "x-timestamp": timestamp,
            "x-purpose": basis.purpose,
            "x-basis": basis.header,
            "x-signature": _signature(
                self._secret, "GET", path, query, timestamp, self._client_id, basis.purpose, basis.header
            ),
        }
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._deadline):
                response = await self._http.get(path + (f"?{query}" if query else ""), headers=headers)
        except (httpx.HTTPError, TimeoutError) as exc:
            log.warning(
                "sharing.source_unavailable",
                source=source,
                error=type(exc).__name__,
                elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            return "unavailable", None
        if response.status_code == 404:
            return "not_found", None
        if response.status_code in (401, 403):
            log.error("sharing.refused", source=source, status=response.status_code)
            return "refused", None
        if response.status_code != 200 or len(response.content) > MAX_BODY_BYTES:
            log.warning("sharing.source_unavailable", source=source, status=response.status_code)
            return "unavailable", None
        try:
            body = response.json()
        except ValueError:
            return "unavailable", None
        if not isinstance(body, dict):
            return "unavailable", None
        if body.get("conflicts"):
            return "inconsistent", body
        return "ok", body

    async def licences_of(
        self, holder: str, holder_kind: Literal["person", "enterprise"], *, basis: AccessBasis
    ) -> tuple[list[dict[str, Any]], Pull]:
        """Every licence the register holds for ``holder`` (a resident ID or a credit code), and the pull."""
        outcome, body = await self._get("e_licence", f"/v1/e-licences/{quote(holder)}", {}, basis)
        licences: list[dict[str, Any]] = []
        if outcome == "ok" and body is not None:
            found = body.get("licences")
            if isinstance(found, list):
                licences = [dict(licence) for licence in found[:MAX_WALLET] if isinstance(licence, dict)]
            else:
                outcome = "unavailable"
        return licences, Pull(holder, holder_kind, "e_licence", (WALLET_FIELDS,), outcome)

    async def fetch_facts(
        self,
        rule_set: RuleSet,
        *,
        basis: AccessBasis,
        on: dt.date,
        person: str | None = None,
        enterprise: str | None = None,
        proposed_name: str | None = None,
    ) -> Fetched:
        """Everything ``rule_set`` reads, fetched in parallel; the pulls say what was asked and what came back."""
        needs = rule_set.needs
        calls: list[
            tuple[str, str, Literal["person", "enterprise"], str, tuple[str, ...], str, dict[str, str]]
        ] = []
        # (namespace, source, subject kind, subject, fields, path, params)
        population = tuple(
            sorted({p.split(".", 1)[1] for p in needs.get("population", ()) if p.startswith("applicant.")})
        )
        if population and person:
            calls.append(
                (
                    "applicant",
                    "population",
                    "person",
                    person,
                    population,
                    f"/v1/population/{quote(person)}",
                    {"fields": ",".join(population)},
                )
            )
        legal = needs.get("legal_person", ())
        enterprise_fields = tuple(sorted({p.split(".", 1)[1] for p in legal if p.startswith("enterprise.")}))
        if enterprise_fields and enterprise:
            calls.append(
                (
                    "enterprise",
                    "legal_person",
                    "enterprise",
                    enterprise,
                    enterprise_fields,
                    f"/v1/legal-persons/{quote(enterprise)}",
                    {"fields": ",".join(enterprise_fields)},
                )
            )
        if any(p.startswith("name_check.") for p in legal) and proposed_name and person:
            calls.append(
                (
                    "name_check",
                    "legal_person",
                    "person",
                    person,
                    ("name_availability",),
                    "/v1/name-availability",
                    {"name": proposed_name},
                )
            )
        licence_paths = needs.get("e_licence", ())
        types = tuple(sorted({p.split(".")[1] for p in licence_paths}))
        if types and person:
            calls.append(
                (
                    "licences",
                    "e_licence",
                    "person",
                    person,
                    tuple(sorted(p.split(".", 1)[1] for p in licence_paths)),
                    f"/v1/e-licences/{quote(person)}",
                    {"types": ",".join(types)},
                )
            )
        credit_fields = tuple(sorted({p.split(".", 1)[1] for p in needs.get("credit", ())}))
        if credit_fields:
            for kind, subject in (("person", person), ("enterprise", enterprise)):
                if subject:
                    calls.append(
                        (
                            f"credit_{kind}",
                            "credit",
                            kind,
                            subject,
                            credit_fields,  # type: ignore[arg-type]
                            f"/v1/credit/{quote(subject)}",
                            {},
                        )
                    )
        results = await asyncio.gather(*(self._get(call[1], call[5], call[6], basis) for call in calls))
        data: dict[str, Any] = {}
        states: dict[str, str] = {}
        problems: dict[str, str] = {}
        pulls: list[Pull] = []
        for call, (outcome, body) in zip(calls, results, strict=True):
            namespace, source, kind, subject, fields = call[0], call[1], call[2], call[3], call[4]
            pulls.append(
                Pull(subject=subject, subject_kind=kind, source=source, fields=fields, outcome=outcome)
            )
            state = "unavailable" if outcome == "refused" else outcome
            if _STATE_RANK[state] > _STATE_RANK.get(states.get(source, "ok"), 0):
                states[source] = state
            if outcome == "inconsistent" and body is not None:
                problems[source] = "、".join(str(field) for field in body.get("conflicts", []))[:100]
            if outcome == "ok":
                data[namespace] = body
        licences = data.get("licences")
        facts = Facts(
            on=on,
            applicant=data.get("applicant"),
            enterprise=data.get("enterprise"),
            name_check=data.get("name_check"),
            licences=_best_licences(licences.get("licences", [])) if isinstance(licences, dict) else None,
            credit=merge_credit(data.get("credit_person"), data.get("credit_enterprise"))
            if states.get("credit", "ok") == "ok"
            else None,
            states=states,  # type: ignore[arg-type]
            problems=problems,
        )
        return Fetched(facts=facts, pulls=tuple(pulls))
