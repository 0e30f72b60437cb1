"""The outbox dispatcher: workers in every gateway process deliver outbox records to department systems.

Claiming is ``FOR UPDATE SKIP LOCKED`` with a lease (``queries.sql: claim_due``): a claimed record's
``available_at`` moves to the end of the lease, so two workers (in one process or in two gateway instances)
never hold one record at once, and a record whose worker died becomes due again by itself when its lease
ends. A worker that outlived its lease finds the record no longer its own and records nothing; that is the
one way a record is delivered twice, which the department absorbs (it de-duplicates by application number).
So delivery is at least once, and exactly once while no worker stalls past its lease.

Each attempt goes through ``DepartmentClient.deliver`` (one attempt, under the department's breaker and retry
budget). This module owns the attempts: the count, the backoff between them (exponential with full jitter, at
least the department's ``Retry-After``), and parking a record as dead after the last attempt, where
``/v1/ops/dead-letters`` shows it and can re-queue it. A department with no system connected is parked at once.

Workers wake on NOTIFY (``handling_outbox``, sent by the transaction that wrote the record) through the
change feed, with a poll as the safety net; measured in docs/decisions/0002-outbox-queue.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import asyncpg
import msgspec
import structlog

from ishenzhen.db.change_feed import ChangeFeed
from ishenzhen.departments import DeliveryResult, OutboundRequest
from ishenzhen.handling import metrics
from ishenzhen.handling.service import ApplicationConflict, move, queries

if TYPE_CHECKING:
    from ishenzhen.settings import Settings

__all__ = ["CHANNEL", "Deliverer", "Dispatcher", "RetryPolicy", "housekeeping_once", "traceparent_for"]

log = structlog.get_logger(__name__)
CHANNEL = "handling_outbox"
HOUSEKEEPING_SECONDS = 60.0
_HOUSEKEEPING_BATCH = 1000


class Deliverer(Protocol):
    async def deliver(self, request: OutboundRequest) -> DeliveryResult: ...


class _Receipt(msgspec.Struct):
    receipt_number: str | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    cap_seconds: float

    def delay(self, attempts: int, retry_after: float | None, rng: random.Random) -> float:
        """Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): uniform in [0, bound], the
        bound doubling per attempt up to the cap; never sooner than the department asked (``Retry-After``)."""
        bound = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        delay = rng.uniform(0, bound)
        return max(delay, retry_after or 0.0)


def traceparent_for(application_id: uuid.UUID) -> str:
    """W3C trace context: the application id is the trace id, so every attempt of one application (and the
    department's callbacks, which echo it) is one trace; each attempt is a new span."""
    return f"00-{application_id.hex}-{os.urandom(8).hex()}-01"


class Dispatcher:
    def __init__(
        self,
        pool: asyncpg.Pool,
        deliverer: Deliverer,
        *,
        workers: int,
        lease_seconds: float,
        poll_seconds: float,
        policy: RetryPolicy,
        database_url: str | None = None,
        item_name: Callable[[str], str | None] = lambda _code: None,
        seed: int | None = None,
        batch_size: int = 8,
    ) -> None:
        self.pool = pool
        self.deliverer = deliverer
        self.workers = workers
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.policy = policy
        self.database_url = database_url
        self.item_name = item_name
        # Records one worker claims at once and delivers concurrently (each to its own department's client):
        # one claim round trip for several deliveries; measured in docs/decisions/0002-outbox-queue.md.
        self.batch_size = batch_size
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._rng = random.Random(seed)  # noqa: S311 - backoff jitter, not a secret
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._feed: ChangeFeed | None = None
        self._stopping = False
        # Records this process claimed but found taken over by another worker when it came to record them.
        self.leases_lost = 0

    @classmethod
    def from_settings(
        cls, pool: asyncpg.Pool, deliverer: Deliverer, settings: Settings, **kwargs: Any
    ) -> Dispatcher:
        return cls(
            pool,
            deliverer,
            workers=settings.handling.dispatch_workers,
            lease_seconds=settings.handling.lease_seconds,
            poll_seconds=settings.handling.dispatch_poll_seconds,
            database_url=settings.database.url,
            policy=RetryPolicy(
                settings.handling.max_attempts,
                settings.handling.backoff_base_seconds,
                settings.handling.backoff_cap_seconds,
            ),
            **kwargs,
        )

    async def start(self) -> None:
        if self.workers == 0:
            return
        if self.database_url is not None:
            self._feed = ChangeFeed(
                self.database_url, CHANNEL, self._notified, poll_interval=self.poll_seconds
            )
            await self._feed.start()
        self._tasks = [
            asyncio.create_task(self._work(f"{self.instance}/{n}"), name=f"outbox-worker-{n}")
            for n in range(self.workers)
        ]

    async def stop(self) -> None:
        self._stopping = True
        if self._feed is not None:
            await self._feed.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _notified(self) -> None:
        self._wake.set()

    async def _work(self, owner: str) -> None:
        while not self._stopping:
            try:
                self._wake.clear()
                if await self.run_once(owner):
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_seconds):
                        await self._wake.wait()
            except asyncio.CancelledError:
                raise
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                # The database is away (restarting, failing over): records stay where they are; try again.
                log.warning("outbox.worker_error", error=type(exc).__name__)
                await asyncio.sleep(min(5.0, self.poll_seconds))
            except Exception:
                log.exception("outbox.worker_failed")
                await asyncio.sleep(min(5.0, self.poll_seconds))

    async def run_once(self, owner: str) -> bool:
        """Claim up to a batch of due records and deliver them concurrently; False when nothing was due."""
        async with self.pool.acquire() as connection:
            rows = [
                row
                async for row in queries.claim_due(
                    connection, owner=owner, lease_seconds=self.lease_seconds, limit=self.batch_size
                )
            ]
        if not rows:
            return False
        await asyncio.gather(*(self._deliver(row, owner) for row in rows))
        return True

    async def _deliver(self, record: asyncpg.Record, owner: str) -> None:
        credit_code = record["credit_code"].strip() if record["credit_code"] else None
        request = OutboundRequest(
            department=record["department"],
            method="POST",
            path=record["path"],
            body=record["body"],
            application_number=record["number"].strip(),
            acting_user=str(record["applicant_id"]),
            acting_party=credit_code or "self",
            traceparent=traceparent_for(record["application_id"]),
            attempt=record["attempts"],
        )
        started = time.perf_counter()
        try:
            result = await self.deliverer.deliver(request)
        except Exception as exc:
            # A bug or an unforeseen failure in the client must not lose the record: retry it like a link error.
            log.exception("outbox.deliver_raised", department=record["department"])
            result = DeliveryResult(
                outcome="retry",
                status=None,
                body=None,
                retry_after=None,
                error_source="gateway",
                detail=f"the gateway failed to send: {type(exc).__name__}",
            )
        metrics.DELIVERY_SECONDS.labels(record["department"]).observe(time.perf_counter() - started)
        await self._record(record, owner, result)

    async def _record(self, record: asyncpg.Record, owner: str, result: DeliveryResult) -> None:
        department, attempts = record["department"], record["attempts"]
        async with self.pool.acquire() as connection, connection.transaction():
            mine = await queries.outbox_for_update(connection, id=record["id"], owner=owner)
            if mine is None:
                # The lease ended and another worker took the record over: its outcome is the one recorded.
                log.warning("outbox.lease_lost", outbox_id=record["id"], department=department)
                self.leases_lost += 1
                metrics.DELIVERY_ATTEMPTS.labels(department, "lease_lost").inc()
                return
            outcome: str = result.outcome
            if outcome == "delivered":
                await queries.outbox_delivered(connection, id=record["id"], status=result.status)
                await self._delivered(connection, record, result)
            elif outcome == "retry" and not result.sent:
                # Never sent, so never a reason to give up: wait as the breaker or budget asks, spread out so
                # that a crowd of held-back records does not come back in one burst.
                delay = (result.retry_after or self.policy.base_seconds) * (1 + self._rng.random())
                await queries.outbox_deferred(
                    connection, id=record["id"], delay_seconds=delay, error=result.detail[:500]
                )
                outcome = "deferred"
            elif outcome == "retry" and attempts < self.policy.max_attempts:
                delay = self.policy.delay(attempts, result.retry_after, self._rng)
                await queries.outbox_retry(
                    connection,
                    id=record["id"],
                    delay_seconds=delay,
                    outcome=outcome,
                    status=result.status,
                    error=result.detail[:500],
                    error_source=result.error_source,
                )
            else:
                await queries.outbox_dead(
                    connection,
                    id=record["id"],
                    outcome=outcome,
                    status=result.status,
                    error=result.detail[:500],
                    error_source=result.error_source or "gateway",
                )
                await self._parked(connection, record, result)
                outcome = "dead"
        metrics.DELIVERY_ATTEMPTS.labels(department, outcome).inc()
        if outcome == "delivered":
            lag = time.time() - record["created_at"].timestamp()
            metrics.DELIVERY_LAG_SECONDS.labels(record["kind"]).observe(lag)
        log.info(
            "application.dispatched",
            application_id=str(record["application_id"]),
            department=department,
            kind=record["kind"],
            attempt=attempts,
            outcome=outcome,
            status=result.status,
            error_source=result.error_source,
        )

    async def _delivered(self, connection: Any, record: asyncpg.Record, result: DeliveryResult) -> None:
        if record["kind"] != "submission":
            return
        receipt = None
        try:
            receipt = msgspec.json.decode(result.body or b"{}", type=_Receipt).receipt_number
        except (msgspec.DecodeError, msgspec.ValidationError):
            log.warning("outbox.receipt_unreadable", department=record["department"])
        application = await queries.lock_application(connection, id=record["application_id"])
        if application["status"] != "submitted":
            # The department's first event overtook this record, or the applicant withdrew meanwhile.
            if receipt:
                await queries.set_status(
                    connection,
                    id=application["id"],
                    status=application["status"],
                    receipt_number=receipt[:64],
                    event_sequence=None,
                )
            return
        await move(
            connection,
            application,
            "delivered",
            actor_kind="gateway",
            actor="gateway",
            message="申请已送达办理部门" + (f"，部门受理编号 {receipt[:64]}" if receipt else ""),
            item_name=self.item_name(application["item_code"]),
            receipt_number=receipt[:64] if receipt else None,
        )

    async def _parked(self, connection: Any, record: asyncpg.Record, result: DeliveryResult) -> None:
        log.warning(
            "outbox.parked",
            outbox_id=record["id"],
            department=record["department"],
            kind=record["kind"],
            attempts=record["attempts"],
            error_source=result.error_source,
            detail=result.detail[:200],
        )
        if record["kind"] != "submission":
            return
        application = await queries.lock_application(connection, id=record["application_id"])
        with contextlib.suppress(ApplicationConflict):  # withdrawn meanwhile: nothing to tell
            await move(
                connection,
                application,
                "delivery_failed",
                actor_kind="gateway",
                actor="gateway",
                message="暂时无法送达办理部门，工作人员将尽快处理",
                item_name=self.item_name(application["item_code"]),
            )


async def housekeeping_once(pool: asyncpg.Pool) -> tuple[int, int]:
    """Delete expired idempotency keys and unreferenced uploads, a batch at a time; returns (keys, uploads)."""
    async with pool.acquire() as connection:
        keys = len(
            [r async for r in queries.delete_expired_idempotency_keys(connection, limit=_HOUSEKEEPING_BATCH)]
        )
        uploads = len(
            [r async for r in queries.delete_expired_materials(connection, limit=_HOUSEKEEPING_BATCH)]
        )
    if keys or uploads:
        log.info("handling.housekeeping", idempotency_keys=keys, uploads=uploads)
    return keys, uploads


async def housekeeping_forever(pool: asyncpg.Pool, every: float = HOUSEKEEPING_SECONDS) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await housekeeping_once(pool)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("handling.housekeeping_failed", error=type(exc).__name__)
