"""The simulator process: an aiohttp.web app serving several departments, each under its own base path.

aiohttp.web because a stand-in must misbehave on purpose (close a connection without answering, send headers
late, stream an oversize body) with a few lines each, starts in a fraction of a second, and shares its HTTP
stack with the gateway's department client.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

import msgspec
import structlog
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ishenzhen_simulators.behaviours import Behaviour, Step, behaviour_for
from ishenzhen_simulators.callbacks import GatewayCaller
from ishenzhen_simulators.config import DepartmentSetup, SimulatorConfig
from ishenzhen_simulators.knobs import Knobs
from ishenzhen_simulators.signatures import (
    RequestRefused,
    RequestVerifier,
    ResponseSigner,
    SignedRequestView,
    fields,
)

__all__ = ["build_app"]

log = structlog.get_logger("ishenzhen_simulators")

_MAX_BODY = 2 * 1024 * 1024
_TERMINAL = frozenset({"approved", "rejected", "completed", "withdrawn"})


class Applicant(msgspec.Struct, kw_only=True):
    subject: str
    level: str
    name: str | None = None
    id_number: str | None = None


class ActingParty(msgspec.Struct, kw_only=True):
    kind: str
    credit_code: str | None = None


class Material(msgspec.Struct, kw_only=True):
    id: str
    name: str
    media_type: str
    sha256: str
    size: int


class Submission(msgspec.Struct, kw_only=True):
    number: str
    item_code: str
    department: str
    spec_version: str
    submitted_at: str
    applicant: Applicant
    acting_party: ActingParty
    form: dict[str, Any]
    materials: list[Material] = []


@dataclass
class Case:
    number: str
    digest: str
    receipt_number: str
    application: dict[str, Any]
    answer: tuple[int, bytes]
    status: str = "delivered"
    sequence: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    answers: dict[str, tuple[int, bytes]] = field(default_factory=dict)


@dataclass
class Department:
    setup: DepartmentSetup
    behaviour: Behaviour
    verifier: RequestVerifier
    signer: ResponseSigner
    knobs: Knobs = field(default_factory=Knobs)
    cases: dict[str, Case] = field(default_factory=dict)
    counters: dict[str, int] = field(
        default_factory=lambda: {
            "requests": 0,
            # Requests that arrived carrying a Cookie header: a gateway must never send one back.
            "with_cookie": 0,
            "received": 0,
            "duplicates": 0,
            "refused": 0,
            "replays": 0,
            "queries": 0,
        }
    )


def _problem(status: int, error: str, detail: str) -> tuple[int, bytes]:
    return status, msgspec.json.encode({"error": error, "detail": detail})


class Simulator:
    def __init__(self, config: SimulatorConfig, slugs: list[str], seed: int | None = None) -> None:
        self.config = config
        self.rng = random.Random(seed)  # noqa: S311 - simulated latency and error draws, not security
        self.caller = GatewayCaller(config.gateway_url)
        self.departments: dict[str, Department] = {}
        for index, slug in enumerate(slugs, start=1):
            setup = config.department(slug)
            self.departments[slug] = Department(
                setup=setup,
                behaviour=behaviour_for(slug, f"{index:02d}"),
                verifier=RequestVerifier(
                    setup.gateway_key_id, setup.gateway_public_key_pem, config.signature_max_age
                ),
                signer=ResponseSigner(setup.key_id, setup.private_key_pem),
            )
        self._tasks: set[asyncio.Task[None]] = set()
        # Signs answers when a test asks for a bad signature: a key the gateway has never seen.
        stranger = ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self._stranger = ResponseSigner("stranger", stranger.decode())

    # -- the department API ---------------------------------------------------------------------------

    async def department_request(self, request: web.Request) -> web.StreamResponse:
        department = self.departments.get(request.match_info["slug"])
        if department is None:
            return web.json_response({"error": "not_found", "detail": "no such department here"}, status=404)
        department.counters["requests"] += 1
        if "Cookie" in request.headers:
            department.counters["with_cookie"] += 1
        knobs = department.knobs
        if knobs.down:
            # As a crashed back end behind a proxy: the connection closes without an answer.
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        body = await request.read()
        view = SignedRequestView(request.method, str(request.url), fields(request.headers.items()))
        try:
            department.verifier.verify(view, body)
        except RequestRefused as exc:
            key = "replays" if exc.reason.startswith("replay") else "refused"
            department.counters[key] += 1
            log.info("simulator.refused", department=department.setup.slug, reason=exc.reason)
            status, payload = _problem(401, "signature_refused", exc.reason)
            return self._answer(department, view, status, payload, knobs)
        if knobs.slow_seconds:
            await asyncio.sleep(knobs.slow_seconds)
        pause = knobs.latency.draw(self.rng)
        if pause:
            await asyncio.sleep(pause)
        if knobs.redirect_to is not None:
            return web.Response(status=302, headers={"Location": knobs.redirect_to})
        if knobs.error_rate and self.rng.random() < knobs.error_rate:
            status, payload = _problem(knobs.error_status, "simulated_failure", "模拟的部门系统故障")
            response = self._answer(department, view, status, payload, knobs)
            if knobs.retry_after is not None:
                response.headers["Retry-After"] = str(knobs.retry_after)
            return response
        if knobs.garbage:
            # Signed like any answer: the department's own system, not a proxy, is talking nonsense.
            garbage = b"<html><body>502 Bad Gateway</body></html>\x00\xff"
            lines = department.signer.sign(view, 200, {"Content-Type": "text/html"}, garbage)
            response = web.Response(status=200, body=garbage)
            for name, value in lines:
                response.headers[name] = value
            return response
        status, payload = self._handle(department, request, body)
        return self._answer(department, view, status, payload, knobs)

    def _answer(
        self, department: Department, view: SignedRequestView, status: int, payload: bytes, knobs: Knobs
    ) -> web.Response:
        if knobs.oversize_bytes and len(payload) < knobs.oversize_bytes:
            decoded = msgspec.json.decode(payload)
            decoded["padding"] = "x" * (knobs.oversize_bytes - len(payload))
            payload = msgspec.json.encode(decoded)
        signer = self._stranger if knobs.bad_response_signature else department.signer
        lines = signer.sign(view, status, {"Content-Type": "application/json"}, payload)
        response = web.Response(status=status, body=payload)
        for name, value in lines:
            response.headers[name] = value
        if knobs.set_cookie is not None:
            response.headers["Set-Cookie"] = knobs.set_cookie
        return response

    def _handle(self, department: Department, request: web.Request, body: bytes) -> tuple[int, bytes]:
        action = request.match_info.get("action", "")
        if request.method == "GET" and action.startswith("queries/"):
            return self._query(department, request, action.removeprefix("queries/"))
        if request.method != "POST":
            return _problem(405, "method_not_allowed", "only POST here")
        if action == "applications":
            return self._submit(department, request, body)
        number, _, verb = action.removeprefix("applications/").partition("/")
        if action.startswith("applications/") and verb in ("withdrawal", "supplements", "decision"):
            return self._follow_up(department, request, number, verb, body)
        return _problem(404, "not_found", f"no endpoint {action!r}")

    def _submit(self, department: Department, request: web.Request, body: bytes) -> tuple[int, bytes]:
        try:
            submission = msgspec.json.decode(body, type=Submission)
        except msgspec.DecodeError as exc:
            return _problem(400, "invalid_body", str(exc))
        slug = department.setup.slug
        if submission.department != slug:
            return _problem(422, "wrong_department", f"this is {slug}, not {submission.department}")
        if request.headers.get("ishenzhen-application-number") != submission.number:
            return _problem(422, "number_mismatch", "the signed application number differs from the body's")
        if request.headers.get("idempotency-key", submission.number) != submission.number:
            return _problem(422, "idempotency_key_mismatch", "Idempotency-Key must be the application number")
        digest = hashlib.sha256(body).hexdigest()
        case = department.cases.get(submission.number)
        if case is not None:
            department.counters["duplicates"] += 1
            if case.digest != digest:
                return _problem(422, "number_reused", "this application number came with a different body")
            return case.answer
        department.counters["received"] += 1
        receipt = department.behaviour.receipt_number()
        answer = (202, msgspec.json.encode({"receipt_number": receipt, "status": "delivered"}))
        application = msgspec.to_builtins(submission)
        case = Case(submission.number, digest, receipt, application, answer)
        department.cases[submission.number] = case
        log.info("simulator.received", department=slug, number=submission.number, item=submission.item_code)
        self._run(department, case, department.behaviour.plan(application))
        return answer

    def _follow_up(
        self, department: Department, request: web.Request, number: str, verb: str, body: bytes
    ) -> tuple[int, bytes]:
        case = department.cases.get(number)
        if case is None:
            return _problem(404, "unknown_application", f"no application {number} here")
        if request.headers.get("ishenzhen-application-number") != number:
            return _problem(422, "number_mismatch", "the signed application number differs from the path's")
        key = f"{verb}:{request.headers.get('idempotency-key', '')}:{hashlib.sha256(body).hexdigest()}"
        if key in case.answers:
            department.counters["duplicates"] += 1
            return case.answers[key]
        if verb == "decision":
            # The gateway's rules decided (秒批): an approval or rejection is final here too; a case sent for
            # manual review stays with the department's own plan.
            try:
                decoded = msgspec.json.decode(body)
            except msgspec.DecodeError as exc:
                return _problem(400, "invalid_body", str(exc))
            outcome = decoded.get("outcome") if isinstance(decoded, dict) else None
            if outcome in ("approved", "rejected") and case.status not in _TERMINAL:
                if case.task is not None:
                    case.task.cancel()
                case.status = outcome
            answer = (202, msgspec.json.encode({"receipt_number": case.receipt_number, "status": "received"}))
        elif verb == "withdrawal":
            if case.status in _TERMINAL:
                return _problem(409, "already_decided", f"the application is {case.status}")
            if case.task is not None:
                case.task.cancel()
            case.status = "withdrawn"
            answer = (
                202,
                msgspec.json.encode({"receipt_number": case.receipt_number, "status": "withdrawn"}),
            )
        else:
            if case.status != "more_material_needed":
                return _problem(409, "no_material_requested", f"the application is {case.status}")
            case.status = "supplemented"
            answer = (202, msgspec.json.encode({"receipt_number": case.receipt_number, "status": "received"}))
            self._run(department, case, department.behaviour.after_supplement(case.application))
        case.answers[key] = answer
        return answer

    def _query(self, department: Department, request: web.Request, name: str) -> tuple[int, bytes]:
        department.counters["queries"] += 1
        user = request.headers.get("ishenzhen-user", "")
        answer = department.behaviour.query(name, user, dict(request.query))
        if answer is None:
            return _problem(404, "unknown_query", f"no query {name!r} at {department.setup.slug}")
        request["cache_control"] = answer.cache_control
        return answer.status, msgspec.json.encode(answer.body)

    # -- moving cases on ------------------------------------------------------------------------------

    def _run(self, department: Department, case: Case, steps: list[Step]) -> None:
        if not department.knobs.callbacks:
            return
        task = asyncio.create_task(self._advance(department, case, steps))
        case.task = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _advance(self, department: Department, case: Case, steps: list[Step]) -> None:
        held: dict[str, Any] | None = None
        for step in steps:
            knobs = department.knobs
            pace = knobs.pace_seconds if knobs.pace_seconds is not None else self.config.pace_seconds
            if step.pause and pace:
                await asyncio.sleep(step.pause * pace)
            if case.status == "withdrawn":
                return
            case.sequence += 1
            case.status = step.status
            event = {
                "event_id": str(uuid.uuid4()),
                "sequence": case.sequence,
                "status": step.status,
                "occurred_at": dt.datetime.now(dt.UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
                "message": step.message,
                "receipt_number": case.receipt_number,
                "data": {k: v for k, v in step.data.items() if v is not None},
            }
            case.events.append(event)
            if knobs.out_of_order_callbacks and held is None and step is not steps[-1]:
                held = event  # sent after the next one
                continue
            await self._send(department, case, event)
            if held is not None:
                await self._send(department, case, held)
                held = None
            if step.status == "more_material_needed":
                return
        if held is not None:
            await self._send(department, case, held)

    async def _send(self, department: Department, case: Case, event: dict[str, Any]) -> None:
        setup = department.setup
        times = 2 if department.knobs.duplicate_callbacks else 1
        for _ in range(times):
            await self.caller.send_event(
                client_id=setup.client_id, secret=setup.client_secret, number=case.number, event=event
            )

    # -- control (loopback only) ----------------------------------------------------------------------

    async def control(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        if slug == "_gateway" and request.method == "PUT":
            url = (await request.json()).get("url")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                return web.json_response({"error": "url must be an http(s) URL"}, status=400)
            self.caller.repoint(url)
            return web.json_response({"gateway_url": self.caller.gateway_url})
        if slug == "_all" and request.method == "DELETE":
            for each in self.departments.values():
                self._reset(each)
            return web.json_response({"reset": sorted(self.departments)})
        department = self.departments.get(slug)
        if department is None:
            return web.json_response({"error": f"no department {slug!r} here"}, status=404)
        if request.method == "PUT":
            try:
                department.knobs = msgspec.json.decode(await request.read(), type=Knobs)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                return web.json_response({"error": str(exc)}, status=400)
        elif request.method == "DELETE":
            self._reset(department)
        return web.json_response({"knobs": msgspec.to_builtins(department.knobs), **self._report(department)})

    def _reset(self, department: Department) -> None:
        for case in department.cases.values():
            if case.task is not None:
                case.task.cancel()
        department.knobs = Knobs()
        department.cases.clear()
        for name in department.counters:
            department.counters[name] = 0

    def _report(self, department: Department) -> dict[str, Any]:
        return {
            "counters": dict(department.counters),
            "cases": {
                number: {
                    "receipt_number": case.receipt_number,
                    "status": case.status,
                    "item_code": case.application["item_code"],
                    "events": case.events,
                }
                for number, case in department.cases.items()
            },
            "callbacks": {"sent": self.caller.sent, "failed": self.caller.failed},
        }

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "departments": sorted(self.departments)})

    async def close(self, app: web.Application) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.caller.close()


@web.middleware
async def _cache_header(request: web.Request, handler: Any) -> web.StreamResponse:
    response: web.StreamResponse = await handler(request)
    cache_control = request.get("cache_control")
    if cache_control is not None:
        response.headers["Cache-Control"] = cache_control
    return response


def build_app(config: SimulatorConfig, slugs: list[str], seed: int | None = None) -> web.Application:
    simulator = Simulator(config, slugs, seed)
    app = web.Application(client_max_size=_MAX_BODY, middlewares=[_cache_header])
    app.router.add_get("/_health", simulator.health)
    app.router.add_route("*", "/_control/{slug}", simulator.control)
    app.router.add_route("*", "/{slug}/{action:.+}", simulator.department_request)
    app.on_cleanup.append(simulator.close)
    app["simulator"] = simulator
    return app
