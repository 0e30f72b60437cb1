"""Lockout is no weapon: failures lock a (number, address) pair; a far higher per-number ceiling only closes
the password path; the SMS code always signs the owner in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.seed import DEMO_PASSWORD
from ishenzhen.settings import Settings, replace_settings
from tests.identity.conftest import L1, query_of
from tests.identity.lockout_helpers import password_attempt, peer_client, sms_sign_in

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with peer_client(app) as test_client:
        yield test_client


def signed_in(answer: object) -> bool:
    return answer.status_code == 302 and "code" in query_of(answer.headers["location"])  # type: ignore[attr-defined]


async def test_an_attacker_from_one_address_cannot_lock_the_owner_out_from_another(
    client: AsyncTestClient[Litestar],
) -> None:
    for _ in range(10):
        await password_attempt(client, ATTACKER, L1, "guess")
    assert (await password_attempt(client, ATTACKER, L1, "guess")).status_code == 429
    assert signed_in(await password_attempt(client, OWNER, L1, DEMO_PASSWORD))


async def test_brute_force_from_one_address_is_stopped_even_at_the_right_password(
    client: AsyncTestClient[Litestar], db_pool: asyncpg.Pool
) -> None:
    statuses = [(await password_attempt(client, ATTACKER, L1, f"guess-{i}")).status_code for i in range(5)]
    assert statuses == [401] * 5
    locked = await password_attempt(client, ATTACKER, L1, DEMO_PASSWORD)
    assert locked.status_code == 429 and 0 < int(locked.headers["retry-after"]) <= 900
    events = [r["event"] for r in await db_pool.fetch("SELECT event FROM identity_audit ORDER BY id")]
    assert events.count("login.failed") == 5 and events.count("login.pair_locked") == 1
    assert "login.succeeded" not in events


async def test_an_unknown_number_locks_the_same_way(client: AsyncTestClient[Litestar]) -> None:
    statuses = [(await password_attempt(client, ATTACKER, "13912345670", "x")).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


async def test_the_sms_code_signs_in_a_locked_pair_and_reopens_its_password_path(
    client: AsyncTestClient[Litestar], db_pool: asyncpg.Pool
) -> None:
    for _ in range(5):
        await password_attempt(client, OWNER, L1, "mistyped")
    assert (await password_attempt(client, OWNER, L1, DEMO_PASSWORD)).status_code == 429
    assert signed_in(await sms_sign_in(client, OWNER, db_pool, L1))
    assert signed_in(await password_attempt(client, OWNER, L1, DEMO_PASSWORD))


async def test_the_per_number_ceiling_closes_only_the_password_path(
    client: AsyncTestClient[Litestar], db_pool: asyncpg.Pool
) -> None:
    # A distributed guesser: 20 addresses, 5 guesses each, reaches the ceiling of 100 an hour.
    for n in range(20):
        for _ in range(5):
            assert (await password_attempt(client, f"192.0.2.{n + 1}", L1, "guess")).status_code == 401
    refused = await password_attempt(client, OWNER, L1, DEMO_PASSWORD)
    assert refused.status_code == 429 and "SMS" in refused.text
    assert signed_in(await sms_sign_in(client, OWNER, db_pool, L1))
    events = [r["event"] for r in await db_pool.fetch("SELECT event FROM identity_audit ORDER BY id")]
    assert events.count("login.password_suspended") == 1


async def test_behind_a_trusted_proxy_each_citizen_keeps_their_own_address(settings: Settings) -> None:
    from ishenzhen.app import create_app

    proxy = "10.1.2.3"
    app = create_app(replace_settings(settings, trusted_proxies="10.0.0.0/8"))
    async with peer_client(app) as client:
        # The attacker forges a left-most hop; the proxy appends the address it really saw.
        for _ in range(5):
            await password_attempt(client, proxy, L1, "guess", forwarded_for=f"{OWNER}, {ATTACKER}")
        assert (await password_attempt(client, proxy, L1, "guess", forwarded_for=ATTACKER)).status_code == 429
        assert signed_in(await password_attempt(client, proxy, L1, DEMO_PASSWORD, forwarded_for=OWNER))


async def test_without_trusted_proxies_the_forwarded_header_is_ignored(
    client: AsyncTestClient[Litestar],
) -> None:
    for n in range(5):
        await password_attempt(client, ATTACKER, L1, "guess", forwarded_for=f"198.51.100.{n}")
    assert (await password_attempt(client, ATTACKER, L1, "guess", forwarded_for=OWNER)).status_code == 429
