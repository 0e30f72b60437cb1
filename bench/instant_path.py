"""``python -m bench.instant_path``: instant approval (秒批) end to end, under a steady load of submissions.

Starts ``ishenzhen serve`` as in development (embedded PostgreSQL, the department simulators and the data-sharing
platform's simulator, each its own process), signs in the demo citizen 李娜 (13800000003, who exists in the
platform's seeded registers and is the demo enterprise's legal representative) with the app's own flow, and
listens on her live stream (``GET /v1/me/events``). Then:

1. **Coverage**: one submission to each of the 200 instant-approval items, its form filled as the app's user
   would (``locust/journeys/applying.py`` does the same); the share decided automatically (approved or rejected,
   not sent to a clerk) on the seeded data.
2. **Steady load**: submissions at ``--rate`` per second for ``--seconds`` (open loop: sent on schedule whatever
   the answers' speed), over the items that took a submission; latency is from sending ``POST /v1/applications``
   to the decision's message arriving on the citizen's stream. p50, p99 (target p99 < 300 ms), decisions/s.

Settings of the service are overridden with ``--set NAME=VALUE`` (the environment variable without
``ISHENZHEN_``), on top of ``SETTINGS`` below: a limit added later (a per-user submit limit, say) is one more
line there, or one more ``--set``. Only 127.0.0.1, bounded in time; nothing is left running.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import shutil
import struct
import sys
import tempfile
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp

from bench.endpoints import citizen_token
from bench.server import running_service

MOBILE = "13800000003"
NAME, ID_NUMBER = "李娜", "440305199207060029"
ENTERPRISE_NAME, CREDIT_CODE = "深圳市示例科技有限公司", "91440300MA5FDEMQ01"
SCOPE = "openid profile phone applications:submit"
DECIDED = frozenset({"approved", "rejected", "in_review"})
AUTOMATIC = frozenset({"approved", "rejected"})
TARGET_P99_MS = 300.0
# The service's settings for this benchmark (short names: the variable without ISHENZHEN_). The load comes
# from one citizen, so any per-user limit on submissions must sit above ``--rate`` x ``--seconds``.
SETTINGS = {
    "departments_simulators": "1",  # serve starts the data-platform simulator with the department ones
    "access_log": "0",
    "identity_access_token_seconds": "3600",
}


def _png(width: int = 16, height: int = 16) -> bytes:
    """A valid PNG of one colour: what a phone camera uploads, minus the megabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


_PNG = _png()


def service_settings(overrides: Sequence[str]) -> dict[str, str]:
    """``SETTINGS`` with ``NAME=VALUE`` overrides, as the service's environment."""
    settings = dict(SETTINGS)
    for override in overrides:
        name, separator, value = override.partition("=")
        if not separator or not name:
            raise SystemExit(f"bench.instant_path: --set takes NAME=VALUE, not {override!r}")
        settings[name.strip().lower()] = value
    return {f"ISHENZHEN_{name.upper()}": value for name, value in settings.items()}


def _components(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def visit(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            out.append(node)
            visit(node.get("components", []))

    for step in steps:
        visit(step.get("components", []))
    return out


def _answer(field: dict[str, Any]) -> Any:
    known = {
        "applicant_name": NAME,
        "applicant_id_number": ID_NUMBER,
        "contact_name": NAME,
        "contact_mobile": MOBILE,
        "enterprise_name": ENTERPRISE_NAME,
        "enterprise_credit_code": CREDIT_CODE,
        "credit_code": CREDIT_CODE,
        "name": NAME,
        "id_number": ID_NUMBER,
        "mobile": MOBILE,
    }
    if field.get("value") not in (None, ""):
        return field["value"]  # prefilled (from the platform or the account): kept, as the app keeps it
    if field["id"] in known:
        return known[field["id"]]
    kind = str(field.get("type"))
    options = [option["value"] for option in field.get("options", [])]
    return {
        "resident_id": ID_NUMBER,
        "mobile": MOBILE,
        "agreement": True,
        "select": options[0] if options else None,
        "radio": options[0] if options else None,
        "checkbox": options[: max(1, field.get("min_selected") or 1)],
        "date_input": dt.date.today().isoformat(),
        "number_input": field.get("minimum") or 1,
        "address": {"district": "440305", "detail": "深南大道 1 号"},
    }.get(kind, NAME)


class Citizen:
    """The demo citizen's app: forms, uploads, submissions, and her live stream of decisions."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.decided: dict[str, tuple[float, str]] = {}
        self.arrivals: dict[str, asyncio.Future[tuple[float, str]]] = {}
        # Why submissions were refused: the problem documents' titles and details, counted.
        self.refusals: Counter[str] = Counter()

    async def listen(self) -> None:
        async with self.session.get("/v1/me/events", timeout=aiohttp.ClientTimeout(total=None)) as stream:
            if stream.status != 200:
                raise SystemExit(f"bench.instant_path: the live stream answered {stream.status}")
            async for raw in stream.content:
                line = raw.decode().strip()
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                application, status = message.get("application_id"), message.get("status")
                if application and status in DECIDED and application not in self.decided:
                    self.decided[application] = (time.perf_counter(), status)
                    waiting = self.arrivals.pop(application, None)
                    if waiting is not None and not waiting.done():
                        waiting.set_result(self.decided[application])

    async def form(self, code: str, audience: str) -> dict[str, Any] | None:
        """The filled form (uploads done) and item version, or None when the app could not fill it."""
        async with self.session.get(f"/v1/app/items/{code}/form") as answer:
            if answer.status != 200:
                return None
            screen = await answer.json()
        data: dict[str, Any] = {}
        uploads: list[tuple[str, str]] = []
        fields = [c for c in _components(screen.get("steps", [])) if c.get("id")]
        for field in fields:
            if not field.get("required"):
                continue
            if field.get("type") == "upload":
                uploads.append((field["id"], f"{str(field.get('material') or '材料')[:40]}.png"))
            elif field.get("type") == "e_licence" or (
                field.get("type") == "text_input"
                and field.get("pattern")
                and field.get("value") in (None, "")
            ):
                return None  # a licence from the wallet, a pattern only the citizen knows: not guessed here
            else:
                data[field["id"]] = _answer(field)
        body: dict[str, Any] = {"item_code": code, "form": data, "uploads": uploads}
        if isinstance(screen.get("version"), int):
            body["item_version"] = screen["version"]
        if "legal_person" in audience:
            body["acting_party"] = {"kind": "enterprise", "credit_code": CREDIT_CODE}
        return body

    async def upload(self, name: str) -> str | None:
        async with self.session.post(
            "/v1/materials",
            params={"name": name},
            data=_PNG,
            headers={"Content-Type": "application/octet-stream"},
        ) as upload:
            return str((await upload.json())["id"]) if upload.status == 201 else None

    async def submit(self, prepared: dict[str, Any]) -> tuple[str | None, float, int]:
        """The application's id (None when refused), when it was sent, and the answer's status.

        The photos are uploaded anew for each submission (a material belongs to one application), before the
        clock starts: the figure is the submission's path, not the upload's.
        """
        body = {key: value for key, value in prepared.items() if key != "uploads"}
        body["form"] = dict(body["form"])
        for field, name in prepared["uploads"]:
            material = await self.upload(name)
            if material is None:
                self.refusals["upload refused"] += 1
                return None, time.perf_counter(), 0
            body["form"][field] = [material]
        sent = time.perf_counter()
        async with self.session.post(
            "/v1/applications", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
        ) as answer:
            payload = await answer.json(content_type=None)
            if answer.status != 202:
                reason = payload.get("detail") or payload.get("title") if isinstance(payload, dict) else None
                self.refusals[f"{answer.status} {reason}"] += 1
                return None, sent, answer.status
        application = str(payload["id"])
        if application not in self.decided:
            self.arrivals[application] = asyncio.get_running_loop().create_future()
        return application, sent, 202

    async def decision(self, application: str, within: float) -> tuple[float, str] | None:
        if application in self.decided:
            return self.decided[application]
        try:
            return await asyncio.wait_for(asyncio.shield(self.arrivals[application]), within)
        except TimeoutError:
            return None


async def _instant_codes(session: aiohttp.ClientSession) -> dict[str, str]:
    """The instant-approval items' codes and their audiences, from the catalogue as the app lists it."""
    codes: dict[str, str] = {}
    cursor: str | None = None
    while True:
        params = {"instant_approval": "true", "limit": "100", **({"cursor": cursor} if cursor else {})}
        async with session.get("/v1/catalog/items", params=params) as answer:
            page = await answer.json()
        codes.update({str(item["code"]): str(item["audience"]) for item in page["items"]})
        cursor = page.get("next_cursor")
        if not cursor:
            return codes


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def _run(base_url: str, token: str, rate: float, seconds: float, settle: float) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(base_url, headers=headers, connector=connector) as session:
        citizen = Citizen(session)
        listener = asyncio.create_task(citizen.listen())
        try:
            await asyncio.sleep(0.5)  # the stream is open before the first submission
            codes = await _instant_codes(session)
            # 1. Coverage: each instant item once, in turn (the machine's load does not decide the share).
            bodies: dict[str, dict[str, Any]] = {}
            coverage: Counter[str] = Counter()
            for code, audience in codes.items():
                body = await citizen.form(code, audience)
                if body is None:
                    coverage["form not fillable"] += 1
                    continue
                application, _, status = await citizen.submit(body)
                if application is None:
                    coverage[f"refused {status}"] += 1
                    continue
                bodies[code] = body
                decided = await citizen.decision(application, settle)
                coverage[decided[1] if decided else "undecided"] += 1
            # 2. Steady load over the items that took a submission, open loop.
            latencies: list[float] = []
            refused: Counter[int] = Counter()
            undecided = 0
            work = list(bodies.values())

            async def one(body: dict[str, Any]) -> None:
                nonlocal undecided
                application, sent, status = await citizen.submit(body)
                if application is None:
                    refused[status] += 1
                    return
                decided = await citizen.decision(application, settle)
                if decided is None:
                    undecided += 1
                else:
                    latencies.append((decided[0] - sent) * 1000)

            tasks = []
            started = time.perf_counter()
            for index in range(int(rate * seconds)) if work else ():
                await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
                tasks.append(asyncio.create_task(one(work[index % len(work)])))
            await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - started
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)
    automatic = coverage["approved"] + coverage["rejected"]
    return {
        "instant_items": len(codes),
        "coverage": dict(coverage),
        "automatic_share": automatic / len(codes) if codes else 0.0,
        "automatic_share_of_submitted": automatic / len(bodies) if bodies else 0.0,
        "coverage_submitted": len(bodies),
        "submitted": len(tasks),
        "decided": len(latencies),
        "undecided": undecided,
        "refused": dict(refused),
        "refusals": dict(citizen.refusals.most_common(5)),
        "decisions_per_second": len(latencies) / elapsed if tasks else 0.0,
        "p50_ms": _percentile(latencies, 0.50),
        "p99_ms": _percentile(latencies, 0.99),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instant_path", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rate", type=float, default=20.0, help="submissions per second in the steady load [20]"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the steady load [20]")
    parser.add_argument(
        "--settle", type=float, default=10.0, help="how long a decision may take to arrive [10]"
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a service setting (environment variable without ISHENZHEN_); repeatable",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data folder and the service log")
    arguments = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="ishenzhen-bench-instant-"))
    folder.chmod(0o755)  # the embedded PostgreSQL runs as nobody when we are root
    try:
        with running_service(
            folder / "data",
            folder / "service.log",
            ready_deadline_s=300,
            extra_env=service_settings(arguments.overrides),
        ) as service:
            token = citizen_token(service.base_url, mobile=MOBILE, scope=SCOPE)
            result = asyncio.run(
                _run(service.base_url, token, arguments.rate, arguments.seconds, arguments.settle)
            )
    finally:
        if arguments.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    verdict = "ok" if result["p99_ms"] < TARGET_P99_MS and not result["undecided"] else "FAIL"
    print(
        f"coverage: {result['instant_items']} instant items, decided automatically "
        f"{result['automatic_share']:.0%} ({result['automatic_share_of_submitted']:.0%} of the "
        f"{result['coverage_submitted']} that took a submission) {result['coverage']}\n"
        f"steady load: {arguments.rate:g}/s for {arguments.seconds:g} s, {result['submitted']} submitted, "
        f"{result['decided']} decided ({result['decisions_per_second']:.1f}/s), undecided after "
        f"{arguments.settle:g} s: {result['undecided']}, refused: {result['refused']}\n"
        f"submit -> decision on the citizen's stream: p50 {result['p50_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms "
        f"(target p99 < {TARGET_P99_MS:.0f} ms) {verdict}"
    )
    if result["refusals"]:
        print(f"refusals (most common): {result['refusals']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
