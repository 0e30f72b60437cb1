"""Instant approval (秒批) after the submission's commit: pull the facts, run the rules, move the application.

The submission's transaction wrote a pending row in ``handling_instant_decisions`` (``service.submit``), so the
202 promises a decision that survives anything after it. ``InstantDecider.kick`` decides at once in the process
that took the request; a claim is a lease (``available_at`` moves to its end), so if that process dies between
the commit and the decision, the sweep of any gateway process claims the row again when the lease ends. A
decider that outlived its lease finds the row no longer its own and writes nothing, so each application is
moved once.

Per decision: the facts the item's rule set reads are pulled in parallel with the platform client's deadline,
bound to the application (``sharing.fetch_facts`` logs every pull, whatever came back); then ``decide`` runs
without I/O; then one transaction records the decision, moves the application (approved, rejected, or
in_review for a clerk) with the reasons in the timeline and the inbox (and so the stream), and tells the
department through the outbox. An approval also issues its signed result (``ishenzhen.results``) in that
transaction, and the timeline names its verification URL. A department that decided first keeps its decision.
The inbox message announcing the decision carries English texts too, from the rules' own English, so a reader
whose app asks for English reads it in English (the timeline, shared with the department, stays Chinese).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import asyncpg
import msgspec
import structlog

from ishenzhen.approvals import Decision, RuleSet, decide
from ishenzhen.handling import metrics
from ishenzhen.handling.service import ApplicationConflict, move, queries
from ishenzhen.handling.texts import status_message_en
from ishenzhen.notifications.service import add_english
from ishenzhen.results import Signer, issue, verification_path
from ishenzhen.sharing import AccessBasis, PlatformClient, fetch_facts
from ishenzhen.sharing.service import resident_id_of

__all__ = ["REQUESTER", "TARGETS", "InstantDecider", "citizen_message", "citizen_message_en"]

log = structlog.get_logger(__name__)
REQUESTER = "gateway:instant_approval"
TARGETS = {"approved": "approved", "rejected": "rejected", "manual_review": "in_review"}
# What the gateway may still decide on; a department's own decision (or a withdrawal) comes first.
_UNDECIDED = frozenset({"submitted", "delivered", "accepted"})
_MAX_MESSAGE = 1000
_encoder = msgspec.json.Encoder()
# Form fields an applicant types the proposed enterprise name into (name-availability check).
_NAME_FIELDS = ("proposed_name", "enterprise_name", "company_name")


def citizen_message(decision: Decision) -> str:
    """The timeline and inbox text of a decision: what came out, why, and how to go on with a clerk."""
    if decision.outcome == "approved":
        tier = next((c.text_zh for c in decision.checks if c.id.startswith("tier.")), "")
        text = "秒批通过：所有条件均已核验满足。" + (f"{tier}。" if tier else "")
    else:
        lead = "未通过自动审批：" if decision.outcome == "rejected" else "需人工审核："
        text = lead + "；".join(decision.reasons_zh) + "。" + decision.clerk_zh
    return text[:_MAX_MESSAGE]


def citizen_message_en(decision: Decision) -> str:
    """``citizen_message`` in English, from the English texts the rules keep beside the Chinese."""
    if decision.outcome == "approved":
        tier = next((c.text_en for c in decision.checks if c.id.startswith("tier.")), "")
        text = "Approved at once: every condition was verified." + (f" {tier}." if tier else "")
    else:
        lead = (
            "Not approved automatically: " if decision.outcome == "rejected" else "A clerk will review it: "
        )
        text = lead + "; ".join(decision.reasons_en) + ". " + decision.clerk_en
    return text[:_MAX_MESSAGE]


def _proposed_name(form: Mapping[str, Any]) -> str | None:
    for name in _NAME_FIELDS:
        value = form.get(name)
        if isinstance(value, str) and 0 < len(value) <= 100:
            return value
    return None


class InstantDecider:
    """Decides owed instant approvals: at once after a submission (``kick``) and by a sweep after a crash."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        platform: PlatformClient,
        rule_sets: Mapping[str, RuleSet],
        *,
        lease_seconds: float = 15.0,
        sweep_seconds: float = 5.0,
        item_name: Callable[[str], str | None] = lambda _code: None,
        today: Callable[[], dt.date] = dt.date.today,
        sign: Signer | None = None,
        base_url: str = "",
    ) -> None:
        self.pool = pool
        self.platform = platform
        self.rule_sets = rule_sets
        self.lease_seconds = lease_seconds
        self.sweep_seconds = sweep_seconds
        self.item_name = item_name
        self.today = today
        # Without a signer (no identity keys in this process) an approval is recorded but issues no document.
        self.sign = sign
        self.base_url = base_url
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._tasks: set[asyncio.Task[int]] = set()
        self._sweep: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._sweep = asyncio.create_task(self._sweep_forever(), name="instant-approval-sweep")

    async def stop(self) -> None:
        if self._sweep is not None:
            self._sweep.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweep
        # In-flight decisions are bounded by the platform deadline; one cut short is claimed again later.
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=self.platform.deadline + 1.0)
            for task in self._tasks:
                task.cancel()

    def kick(self, application_id: uuid.UUID) -> None:
        """Decide this application now, off the request (its 202 has gone)."""
        task = asyncio.create_task(self.run_due(application_id=application_id, limit=1))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the decisions this process started (tests, benchmarks, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_seconds)
            with contextlib.suppress(asyncpg.PostgresError, OSError):
                await self.run_due(limit=16)

    async def run_due(self, *, application_id: uuid.UUID | None = None, limit: int = 16) -> int:
        """Claim due decisions (or the named one) and make them; returns how many were recorded."""
        async with self.pool.acquire() as connection:
            claims = [
                row
                async for row in queries.claim_instant_decisions(
                    connection,
                    owner=self.instance,
                    lease_seconds=self.lease_seconds,
                    application_id=application_id,
                    limit=limit,
                )
            ]
        done = await asyncio.gather(*(self._decide(claim) for claim in claims), return_exceptions=True)
        for claim, outcome in zip(claims, done, strict=True):
            if isinstance(outcome, BaseException):
                # The lease brings it back; the log says why this attempt failed.
                log.error(
                    "instant.failed",
                    application_id=str(claim["application_id"]),
                    attempt=claim["attempts"],
                    error=type(outcome).__name__,
                )
        return sum(1 for outcome in done if outcome is True)

    async def _decide(self, claim: asyncpg.Record) -> bool:
        application_id: uuid.UUID = claim["application_id"]
        code: str = claim["item_code"]
        form = claim["form"]
        form = msgspec.json.decode(form) if isinstance(form, str | bytes) else dict(form)
        rule_set = self.rule_sets.get(code)
        if rule_set is None:
            # The item's rules were withdrawn after the submission: nobody can decide it automatically.
            decision = Decision(
                outcome="manual_review",
                item=code,
                rule_set_version=0,
                decided_on=self.today().isoformat(),
                checks=[],
                reasons_zh=["该事项的审批规则已停用"],
                reasons_en=["The item's rules were withdrawn"],
                clerk_zh="工作人员将人工审核您的申请。",
                clerk_en="A clerk will review your application.",
            )
        else:
            async with self.pool.acquire() as connection:
                person = await resident_id_of(connection, claim["applicant_id"])
            credit_code = claim["credit_code"].strip() if claim["credit_code"] else None
            basis = AccessBasis(
                requester=REQUESTER, purpose="instant_approval", application_id=application_id, item_code=code
            )
            fetched = await fetch_facts(
                self.pool,
                self.platform,
                rule_set,
                basis=basis,
                on=self.today(),
                person=person,
                enterprise=credit_code,
                proposed_name=_proposed_name(form),
            )
            started = time.thread_time()
            decision = decide(rule_set, form, fetched.facts)
            metrics.INSTANT_RULES_SECONDS.observe(time.thread_time() - started)
        return await self._record(claim, decision)

    async def _record(self, claim: asyncpg.Record, decision: Decision) -> bool:
        application_id: uuid.UUID = claim["application_id"]
        async with self.pool.acquire() as connection, connection.transaction():
            if (
                await queries.instant_decision_for_update(
                    connection, application_id=application_id, owner=self.instance
                )
                is None
            ):
                log.warning("instant.lease_lost", application_id=str(application_id))
                return False
            application = await queries.lock_application(connection, id=application_id)
            moved = application["status"] in _UNDECIDED
            if moved:
                number = application["number"].strip()
                message = citizen_message(decision)
                message_en = citizen_message_en(decision)
                result_id = None
                if decision.outcome == "approved" and self.sign is not None:
                    result_id = await issue(
                        connection,
                        self.sign,
                        base_url=self.base_url,
                        application_id=application_id,
                        number=number,
                        item_code=decision.item,
                        item_name=self.item_name(decision.item),
                        holder=str(application["applicant_id"]),
                        decision=msgspec.to_builtins(decision),
                    )
                    link = f"{self.base_url}{verification_path(result_id)}"
                    message = f"{message[: _MAX_MESSAGE - len(link) - 8]}电子结果核验：{link}"
                    message_en = f"{message_en[: _MAX_MESSAGE - len(link) - 24]} Verify the result: {link}"
                target = TARGETS[decision.outcome]
                with contextlib.suppress(ApplicationConflict):
                    await move(
                        connection,
                        application,
                        target,
                        actor_kind="gateway",
                        actor=f"rules:{decision.item}@v{decision.rule_set_version}",
                        message=message,
                        item_name=self.item_name(decision.item),
                    )
                    await add_english(
                        connection,
                        application_id=application_id,
                        status=target,
                        title=f"{self.item_name(decision.item) or 'Application'}: {status_message_en(target)}",
                        body=f"Application number {number}. {message_en}",
                    )
                body = {
                    "number": number,
                    "outcome": decision.outcome,
                    "decision": msgspec.to_builtins(decision),
                    "result_id": str(result_id) if result_id else None,
                }
                await queries.insert_outbox(
                    connection,
                    application_id=application_id,
                    kind="decision",
                    department=application["department"],
                    path=f"/applications/{number}/decision",
                    body=_encoder.encode(body),
                )
                await queries.notify_outbox(connection)
            await queries.record_instant_decision(
                connection,
                application_id=application_id,
                outcome=decision.outcome,
                decision=_encoder.encode(decision).decode(),
            )
        metrics.INSTANT_DECISIONS.labels(decision.outcome).inc()
        log.info(
            "instant.decided",
            application_id=str(application_id),
            item_code=decision.item,
            outcome=decision.outcome,
            moved=moved,
            attempt=claim["attempts"],
        )
        return True
