"""The one HTTP client for department systems: signed requests, one attempt at a time under a circuit
breaker and a retry budget, bounded in time and size, redirects never followed.

httpx is the interface; the transport under it is aiohttp's (``httpx-aiohttp``) because stock httpx's pool
collapses under concurrency (encode/httpx#3215): see docs/decisions/0001-http-client.md for the figures.
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

from ishenzhen.departments.breaker import BreakerState, CircuitBreaker
from ishenzhen.departments.budget import RetryBudget
from ishenzhen.departments.directory import DepartmentDirectory, DepartmentEntry
from ishenzhen.departments.schemas import DeliveryResult, ErrorSource, OutboundRequest, QueryResult
from ishenzhen.departments.signing import AnswerVerifier, RequestSigner, SignatureRejected

__all__ = ["DepartmentClient", "Transport"]

log = structlog.get_logger(__name__)

Transport = Literal["aiohttp", "httpx"]
# Worth another attempt: the department (or a proxy in front of it) says "not now".
_RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
# Statuses a proxy in front of the department answers when it cannot reach it: the link failed.
_LINK_STATUSES = frozenset({502, 504})
_MAX_RETRY_AFTER = 3600.0
_REMEMBERED_RETRIES = 65_536
_QUERY_NUMBER = "-"  # queries belong to no application; the header is still signed


class _Attempt(msgspec.Struct, frozen=True):
    result: DeliveryResult
    healthy: bool  # what the breaker should learn from it


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date), bounded; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), _MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, min(when.timestamp() - time.time(), _MAX_RETRY_AFTER))


def _header_safe(value: str) -> bool:
    return value.isascii() and value.isprintable() and 0 < len(value) <= 256


def _describe_link_failure(exc: BaseException) -> str:
    """ "timed out: …" for timeouts, else what broke. httpx-aiohttp maps a closed connection to ConnectTimeout,
    so the aiohttp error underneath decides."""
    cause = exc.__cause__
    timeout = isinstance(exc, TimeoutError) or (
        isinstance(exc, httpx.TimeoutException) and (cause is None or isinstance(cause, TimeoutError))
    )
    shown = cause if cause is not None else exc
    text = f"{type(shown).__name__}: {shown}".rstrip(": ")
    return (f"timed out: {text}" if timeout else f"connection failed: {text}")[:300]


def _snippet(body: bytes | None) -> str:
    if not body:
        return ""
    return body[:200].decode("utf-8", "replace").replace("\n", " ")


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
            limits = httpx.Limits(
                max_connections=entry.max_connections, max_keepalive_connections=entry.max_connections
            )
            transport: httpx.AsyncBaseTransport
            if self.transport == "aiohttp":
                from httpx_aiohttp import AiohttpTransport

                transport = AiohttpTransport(limits=limits, trust_env=False)
            else:
                transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
            client = httpx.AsyncClient(
                transport=transport,
                timeout=httpx.Timeout(
                    connect=entry.connect_timeout,
                    read=entry.read_timeout,
                    write=entry.read_timeout,
                    pool=entry.pool_timeout,
                ),
                follow_redirects=False,
                trust_env=False,
                headers={"user-agent": self._user_agent},
            )
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
            if not _header_safe(value):
                return None, None, failed("dead", "gateway", f"{name} cannot be sent in a signed header")
        if traceparent is not None and not _header_safe(traceparent):
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
            return None, None, failed("retry", "link", _describe_link_failure(exc))
        return response, bytes(content), None

    async def _attempt(self, entry: DepartmentEntry, request: OutboundRequest) -> _Attempt:
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
            return _Attempt(result=failure, healthy=failure.error_source == "gateway")
        assert response is not None and content is not None
        return self._judge(entry, request, response, content)

    def _judge(
        self, entry: DepartmentEntry, request: OutboundRequest, response: httpx.Response, content: bytes
    ) -> _Attempt:
        status = response.status_code

        def result(
            outcome: Literal["delivered", "retry", "dead"],
            source: ErrorSource | None,
            detail: str,
            healthy: bool,
        ) -> _Attempt:
            retry_after = _retry_after(response.headers.get("retry-after")) if outcome == "retry" else None
            return _Attempt(
                result=DeliveryResult(
                    outcome=outcome,
                    status=status,
                    body=content,
                    retry_after=retry_after,
                    error_source=source,
                    detail=detail,
                ),
                healthy=healthy,
            )

        if 300 <= status < 400:
            # Never followed: a department system that moved is a configuration change, not a hop to take.
            location = response.headers.get("location", "")[:200]
            return result("dead", "department", f"redirect ({status}) to {location!r} not followed", True)
        if status in _RETRYABLE:
            source: ErrorSource = "link" if status in _LINK_STATUSES else "department"
            return result(
                "retry", source, f"department answered {status}: {_snippet(content)}", status == 429
            )
        verifier = self._verifier(entry)
        if verifier is not None:
            try:
                verifier.verify(response, content)
            except SignatureRejected as exc:
                return result("retry", "department", f"answer signature rejected: {exc}", False)
        if 400 <= status < 600:
            return result("dead", "department", f"department refused ({status}): {_snippet(content)}", True)
        if not 200 <= status < 300:
            return result("retry", "department", f"unexpected status {status}", False)
        try:
            answer = msgspec.json.decode(content)
        except msgspec.DecodeError:
            return result("retry", "department", f"answer is not JSON: {_snippet(content)!r}", False)
        if not isinstance(answer, dict):
            return result("retry", "department", "answer is not a JSON object", False)
        if request.path == "/applications" and not isinstance(answer.get("receipt_number"), str):
            return result("retry", "department", "answer has no receipt_number", False)
        return result("delivered", None, f"department answered {status}", True)

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
