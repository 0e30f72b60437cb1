"""The one HTTP client for department systems: signed requests, one attempt at a time under a circuit
breaker and a retry budget, bounded in time and size, redirects never followed.

Its pieces live beside it: ``transports`` opens each department's httpx client, ``answers`` reads what a
department answered, ``signing``, ``breaker`` and ``budget`` do what they are named for.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Literal

import httpx
import msgspec
import structlog

from ishenzhen.departments.answers import Attempt, describe_link_failure, header_safe, judge
from ishenzhen.departments.breaker import BreakerState, CircuitBreaker
from ishenzhen.departments.budget import RetryBudget
from ishenzhen.departments.directory import DepartmentDirectory, DepartmentEntry
from ishenzhen.departments.schemas import DeliveryResult, ErrorSource, OutboundRequest, QueryResult
from ishenzhen.departments.signing import AnswerVerifier, RequestSigner, SignatureRejected
from ishenzhen.departments.transports import Transport, open_http_client

__all__ = ["DepartmentClient", "Transport"]

log = structlog.get_logger(__name__)

_REMEMBERED_RETRIES = 65_536
_QUERY_NUMBER = "-"  # queries belong to no application; the header is still signed


class DepartmentClient:
    """One long-lived instance per process (per event loop); ``aclose()`` when the app stops."""

    def __init__(
        self,
        directory: DepartmentDirectory,
        *,
        transport: Transport = "aiohttp",
        clock: Callable[[], float] = time.monotonic,
        user_agent: str = "ishenzhen-gateway",
    ) -> None:
        self.directory = directory
        self.transport = transport
        self._clock = clock
        self._user_agent = user_agent
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._breakers: dict[str, CircuitBreaker] = {}
        self._budgets: dict[str, RetryBudget] = {}
        self._signers: dict[str, RequestSigner] = {}
        self._verifiers: dict[str, AnswerVerifier | None] = {}
        self._awaiting_retry: OrderedDict[tuple[str, str, str, str], None] = OrderedDict()

    # -- per-department pieces, made on first use -----------------------------------------------------

    def _http(self, entry: DepartmentEntry) -> httpx.AsyncClient:
        client = self._clients.get(entry.slug)
        if client is None:
            client = open_http_client(entry, self.transport, self._user_agent)
            self._clients[entry.slug] = client
        return client

    def breaker(self, slug: str) -> CircuitBreaker:
        breaker = self._breakers.get(slug)
        if breaker is None:
            entry = self.directory.get(slug)
            breaker = CircuitBreaker(
                failure_threshold=entry.breaker_failures if entry else 5,
                cool_down=entry.breaker_cool_down if entry else 1.0,
                max_cool_down=entry.breaker_max_cool_down if entry else 60.0,
                clock=self._clock,
            )
            self._breakers[slug] = breaker
        return breaker

    def _budget(self, entry: DepartmentEntry) -> RetryBudget:
        budget = self._budgets.get(entry.slug)
        if budget is None:
            budget = RetryBudget(ratio=entry.retry_budget_ratio, clock=self._clock)
            self._budgets[entry.slug] = budget
        return budget

    def _signer(self, entry: DepartmentEntry) -> RequestSigner:
        signer = self._signers.get(entry.slug)
        if signer is None:
            key = self.directory.signing_key(entry.slug)
            assert key is not None and entry.signing_key_id is not None  # the directory checked it
            signer = RequestSigner(entry.signing_key_id, key)
            self._signers[entry.slug] = signer
        return signer

    def _verifier(self, entry: DepartmentEntry) -> AnswerVerifier | None:
        if entry.slug not in self._verifiers:
            key = self.directory.answer_key(entry.slug)
            self._verifiers[entry.slug] = (
                AnswerVerifier(entry.answer_key_id, key) if key is not None and entry.answer_key_id else None
            )
        return self._verifiers[entry.slug]

    def breaker_states(self) -> dict[str, BreakerState]:
        """Every department that has been called, with its breaker's state (for operations)."""
        return {slug: breaker.state for slug, breaker in sorted(self._breakers.items())}

    async def aclose(self) -> None:
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.aclose()

    # -- delivering -----------------------------------------------------------------------------------

    async def deliver(self, request: OutboundRequest) -> DeliveryResult:
        """One attempt to deliver ``request``: the caller schedules any next attempt (see ``outcome``)."""
        entry = self.directory.get(request.department)
        if entry is None or entry.base_url is None:
            return DeliveryResult(
                outcome="no_system",
                status=None,
                body=None,
                retry_after=None,
                error_source=None,
                detail=f"department {request.department} has no system connected to the gateway",
            )
        key = (request.department, request.method.upper(), request.path, request.application_number)
        is_retry = request.attempt > 1 or (request.attempt == 0 and key in self._awaiting_retry)
        budget = self._budget(entry)
        if not is_retry:
            budget.record_first()
        breaker = self.breaker(entry.slug)
        if not breaker.acquire():
            wait = breaker.retry_in() or entry.breaker_cool_down
            self._remember(key, "retry")
            return self._log(
                request,
                DeliveryResult(
                    outcome="retry",
                    status=None,
                    body=None,
                    retry_after=wait,
                    error_source="gateway",
                    detail=f"circuit open for {entry.slug}: not sent, next trial in {wait:.1f}s",
                    sent=False,
                ),
                0.0,
            )
        if is_retry and not budget.try_retry():
            breaker.release()
            return self._log(
                request,
                DeliveryResult(
                    outcome="retry",
                    status=None,
                    body=None,
                    retry_after=1.0,
                    error_source="gateway",
                    detail=f"retry budget for {entry.slug} spent: not sent",
                    sent=False,
                ),
                0.0,
            )
        started = time.perf_counter()
        try:
            attempt = await self._attempt(entry, request)
        except BaseException:
            breaker.release()
            raise
        breaker.record(attempt.healthy)
        self._remember(key, attempt.result.outcome)
        return self._log(request, attempt.result, time.perf_counter() - started)

    def _remember(self, key: tuple[str, str, str, str], outcome: str) -> None:
        if outcome == "retry":
            self._awaiting_retry[key] = None
            self._awaiting_retry.move_to_end(key)
            while len(self._awaiting_retry) > _REMEMBERED_RETRIES:
                self._awaiting_retry.popitem(last=False)
        else:
            self._awaiting_retry.pop(key, None)

    def _log(self, request: OutboundRequest, result: DeliveryResult, seconds: float) -> DeliveryResult:
        log.info(
            "department.delivery",
            department=request.department,
            path=request.path,
            application_number=request.application_number,
            outcome=result.outcome,
            status=result.status,
            error_source=result.error_source,
            ms=round(seconds * 1000, 1),
            detail=result.detail if result.outcome != "delivered" else None,
        )
        return result

    async def _exchange(
        self,
        entry: DepartmentEntry,
        *,
        method: str,
        path: str,
        body: bytes,
        number: str,
        user: str,
        party: str,
        traceparent: str | None,
        params: Mapping[str, str] | None = None,
    ) -> tuple[httpx.Response | None, bytes | None, DeliveryResult | None]:
        """Send one signed request; the answer and its (capped) body, or the failure as a result."""

        def failed(outcome: Literal["retry", "dead"], source: ErrorSource, detail: str) -> DeliveryResult:
            return DeliveryResult(
                outcome=outcome, status=None, body=None, retry_after=None, error_source=source, detail=detail
            )

        for name, value in (("application number", number), ("acting user", user), ("acting party", party)):
            if not header_safe(value):
                return None, None, failed("dead", "gateway", f"{name} cannot be sent in a signed header")
        if traceparent is not None and not header_safe(traceparent):
            traceparent = None
        headers = {
            "accept": "application/json",
            "date": email.utils.formatdate(usegmt=True),
            "ishenzhen-application-number": number,
            "ishenzhen-user": user,
            "ishenzhen-party": party,
        }
        if method != "GET":
            headers["content-type"] = "application/json"
            headers["idempotency-key"] = number
        if traceparent is not None:
            headers["traceparent"] = traceparent
        client = self._http(entry)
        url = (entry.base_url or "").rstrip("/") + path
        outgoing = client.build_request(
            method, url, content=body if method != "GET" else None, headers=headers, params=params
        )
        try:
            self._signer(entry).sign(outgoing, body)
        except ValueError as exc:
            return None, None, failed("dead", "gateway", f"cannot sign the request: {exc}")
        try:
            async with asyncio.timeout(entry.total_timeout):
                response = await client.send(outgoing, stream=True)
                try:
                    content = bytearray()
                    async for chunk in response.aiter_raw():
                        content += chunk
                        if len(content) > entry.max_response_bytes:
                            return (
                                response,
                                None,
                                DeliveryResult(
                                    outcome="retry",
                                    status=response.status_code,
                                    body=None,
                                    retry_after=None,
                                    error_source="department",
                                    detail=f"answer larger than {entry.max_response_bytes} bytes: dropped",
                                ),
                            )
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TransportError) as exc:
            return None, None, failed("retry", "link", describe_link_failure(exc))
        return response, bytes(content), None

    async def _attempt(self, entry: DepartmentEntry, request: OutboundRequest) -> Attempt:
        response, content, failure = await self._exchange(
            entry,
            method=request.method.upper(),
            path=request.path,
            body=request.body,
            number=request.application_number,
            user=request.acting_user,
            party=request.acting_party,
            traceparent=request.traceparent,
        )
        if failure is not None:
            # Our own refusals (gateway) say nothing about the department's health.
            return Attempt(result=failure, healthy=failure.error_source == "gateway")
        assert response is not None and content is not None
        return judge(request, response, content, self._verifier(entry))

    # -- pass-through queries -------------------------------------------------------------------------

    async def query(
        self,
        department: str,
        name: str,
        *,
        params: Mapping[str, str],
        user: str,
        party: str,
        traceparent: str | None = None,
    ) -> QueryResult:
        """One read-only query at an allow-listed endpoint, under the department's breaker; never retried."""
        endpoint = self.directory.query(department, name)
        entry = self.directory.get(department)
        if endpoint is None or entry is None:
            return QueryResult(
                status=404,
                body=b"",
                cache_control=None,
                error_source="gateway",
                detail=f"no query {name!r} at {department}",
            )
        breaker = self.breaker(department)
        if not breaker.acquire():
            return QueryResult(
                status=503,
                body=b"",
                cache_control=None,
                error_source="gateway",
                detail=f"circuit open for {department}: not asked",
            )
        try:
            response, content, failure = await self._exchange(
                entry,
                method="GET",
                path=endpoint.path,
                body=b"",
                number=_QUERY_NUMBER,
                user=user,
                party=party,
                traceparent=traceparent,
                params={k: v for k, v in params.items() if k in endpoint.params},
            )
        except BaseException:
            breaker.release()
            raise
        if failure is not None:
            breaker.record(failure.error_source == "gateway")
            if failure.error_source == "gateway":
                status = 400
            elif "timed out" in failure.detail:
                status = 504
            else:
                status = 502
            return QueryResult(
                status=status,
                body=b"",
                cache_control=None,
                error_source=failure.error_source,
                detail=failure.detail,
            )
        assert response is not None and content is not None
        status = response.status_code
        breaker.record(status < 500 or status == 501)
        if 300 <= status < 400:
            return QueryResult(
                status=502,
                body=b"",
                cache_control=None,
                error_source="department",
                detail=f"department redirected ({status}); not followed",
            )
        verifier = self._verifier(entry)
        if verifier is not None:
            try:
                verifier.verify(response, content)
            except SignatureRejected as exc:
                return QueryResult(
                    status=502,
                    body=b"",
                    cache_control=None,
                    error_source="department",
                    detail=f"answer signature rejected: {exc}",
                )
        try:
            msgspec.json.decode(content)
        except msgspec.DecodeError:
            return QueryResult(
                status=502,
                body=b"",
                cache_control=None,
                error_source="department",
                detail="department answered something that is not JSON",
            )
        return QueryResult(
            status=status,
            body=content,
            cache_control=response.headers.get("cache-control"),
            error_source=None if status < 400 else "department",
            detail=f"department answered {status}",
        )
