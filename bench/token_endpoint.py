"""Token-endpoint throughput on one worker, and where its time goes.

``python -m bench.token_endpoint`` starts an embedded PostgreSQL, migrates and seeds it as ``serve`` does in
development, and drives ``IdentityProvider.token`` (what ``POST /oauth/token`` runs after litestar has parsed
the form) in one process, one event loop: the work of one granian worker minus HTTP parsing.

- authorization_code: the mobile app's exchange (public client, PKCE S256, scope ``openid profile
  offline_access``): an access token and an ID token are signed, a refresh family is written.
- refresh_token: rotation (the new refresh token of each answer is used for the next request).

Time accounting, measured with one request in flight (so the parts add up to the wall time):
signing is the time inside ``joserfc.jwt.encode`` (ES256; authlib calls it for access and ID tokens), the
database is the time awaiting asyncpg (every query, including BEGIN/COMMIT); the rest is Python (authlib's
grant logic, hashing, our code). Throughput is then measured again with several requests in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import hashlib
import secrets
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import asyncpg
import joserfc.jwt

from ishenzhen.db.migrate import apply_migrations
from ishenzhen.embedded import EmbeddedPostgres
from ishenzhen.identity.accounts import service as accounts
from ishenzhen.identity.accounts.throttle import Throttle
from ishenzhen.identity.oauth import service as oauth
from ishenzhen.identity.oauth.keys import KeyRing
from ishenzhen.identity.oauth.models import Subject
from ishenzhen.identity.oauth.service import IdentityProvider
from ishenzhen.identity.seed import APP_CLIENT_ID, APP_REDIRECT_URIS, prepare_identity
from ishenzhen.lib.shared_store import SharedStore
from ishenzhen.logging import configure_logging
from ishenzhen.settings import load_settings

ISSUER = "http://127.0.0.1:8000"
SCOPE = "openid profile offline_access"
REDIRECT = APP_REDIRECT_URIS[0]


class Clock:
    """Accumulated seconds inside the wrapped calls (only meaningful with one request in flight)."""

    def __init__(self) -> None:
        self.signing = 0.0
        self.database = 0.0

    def install(self) -> None:
        encode = joserfc.jwt.encode

        def timed_encode(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return encode(*args, **kwargs)
            finally:
                self.signing += time.perf_counter() - started

        joserfc.jwt.encode = timed_encode  # authlib looks it up on the module at call time
        for name in ("fetch", "fetchrow", "fetchval", "execute"):
            setattr(
                asyncpg.connection.Connection, name, self._timed(getattr(asyncpg.connection.Connection, name))
            )

    def _timed(self, method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await method(*args, **kwargs)
            finally:
                self.database += time.perf_counter() - started

        return timed

    def reset(self) -> None:
        self.signing = self.database = 0.0


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


async def _issue_codes(pool: asyncpg.Pool, count: int) -> list[tuple[str, str]]:
    """Codes as the authorization endpoint stores them, for the demo L1 citizen: (code, verifier) pairs."""
    async with pool.acquire() as connection:
        account = await accounts.account_by_mobile(connection, "13800000001")
        assert account is not None, "the demo citizen is seeded"
        clients = await IdentityProvider.load_clients(connection, [APP_CLIENT_ID])
        subject = Subject(account.id, 1, ["pwd"], dt.datetime.now(dt.UTC).replace(microsecond=0))
        codes = []
        for _ in range(count):
            code, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(48)
            data = {
                "redirect_uri": REDIRECT,
                "code_challenge": _challenge(verifier),
                "code_challenge_method": "S256",
                "nonce": "n",
            }
            await oauth.store_code(connection, code, clients[APP_CLIENT_ID], subject, data, SCOPE)
            codes.append((code, verifier))
    return codes


async def _run(
    provider: IdentityProvider,
    forms: list[dict[str, str]],
    concurrency: int,
    on_answer: Callable[[Any], None],
) -> float:
    """Requests per second for these token requests with ``concurrency`` in flight."""
    queue = list(reversed(forms))
    uri = f"{ISSUER}/oauth/token"

    async def worker() -> None:
        while queue:
            result = await provider.token(uri, {}, queue.pop(), "127.0.0.1")
            if result.status != 200:
                raise RuntimeError(f"token endpoint answered {result.status}: {result.body}")
            on_answer(result.body)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(forms) / (time.perf_counter() - started)


async def measure(url: str, requests: int, concurrency: int) -> dict[str, dict[str, float]]:
    settings = load_settings({}, database_url=url, identity_issuer=ISSUER, log_format="json")
    configure_logging("json", "info")  # as in service: each token's audit event is also logged (to stderr)
    pool = await asyncpg.create_pool(url, min_size=concurrency, max_size=concurrency)
    try:
        async with pool.acquire() as connection:
            await apply_migrations(connection)
            await prepare_identity(connection, settings)
        keys = KeyRing(pool, 3600)
        await keys.load()
        provider = IdentityProvider(
            pool,
            keys,
            ISSUER,
            300,
            14 * 86400,
            token_rates=(10**6, 10**6),
            limiter=Throttle(SharedStore.in_memory()),
        )
        clock = Clock()
        clock.install()
        results: dict[str, dict[str, float]] = {}
        refresh_tokens: list[str] = []

        def exchange_forms(codes: list[tuple[str, str]]) -> list[dict[str, str]]:
            return [
                {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": REDIRECT,
                    "client_id": APP_CLIENT_ID,
                    "code_verifier": verifier,
                }
                for code, verifier in codes
            ]

        def refresh_forms(tokens: list[str]) -> list[dict[str, str]]:
            return [
                {"grant_type": "refresh_token", "refresh_token": t, "client_id": APP_CLIENT_ID}
                for t in tokens
            ]

        for grant, make in (("authorization_code", exchange_forms), ("refresh_token", refresh_forms)):
            figures: dict[str, float] = {}
            for label, in_flight in (("sequential", 1), ("concurrent", concurrency)):
                if grant == "authorization_code":
                    forms = make(await _issue_codes(pool, requests))
                else:
                    forms = make(refresh_tokens[:requests])
                refresh_tokens = []
                clock.reset()
                started = time.perf_counter()
                rate = await _run(
                    provider,
                    forms,
                    in_flight,
                    lambda body, issued=refresh_tokens: issued.append(body["refresh_token"]),
                )
                wall = time.perf_counter() - started
                figures[f"{label}_per_s"] = rate
                if in_flight == 1:
                    figures["signing_share"] = clock.signing / wall
                    figures["database_share"] = clock.database / wall
                    figures["ms_per_request"] = 1000 * wall / len(forms)
            # The last run's refresh tokens feed the refresh runs; each refresh run's answers feed the next.
            results[grant] = figures
        return results
    finally:
        await pool.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.token_endpoint", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--requests", type=int, default=2000, help="token requests per measurement [2000]")
    parser.add_argument(
        "--concurrency", type=int, default=8, help="requests in flight for the concurrent run [8]"
    )
    arguments = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="ishenzhen-token-bench-"))
    workdir.chmod(0o755)
    server = EmbeddedPostgres(workdir / "data")
    try:
        url = server.start()
        results = asyncio.run(measure(url, arguments.requests, arguments.concurrency))
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"| grant | 1 in flight: req/s | ms/request | signing | database | other | {arguments.concurrency} in flight: req/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for grant, figures in results.items():
        other = 1 - figures["signing_share"] - figures["database_share"]
        print(
            f"| {grant} | {figures['sequential_per_s']:,.0f} | {figures['ms_per_request']:.2f} "
            f"| {figures['signing_share']:.0%} | {figures['database_share']:.0%} | {other:.0%} "
            f"| {figures['concurrent_per_s']:,.0f} |"
        )
    print(
        f"\n{arguments.requests} requests per figure, one event loop, embedded PostgreSQL on the same machine."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
