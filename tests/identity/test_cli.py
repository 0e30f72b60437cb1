"""``ishenzhen identity sms-outbox | rotate-keys`` and the production refusals."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from ishenzhen.app import create_app
from ishenzhen.cli import main
from ishenzhen.identity import accounts
from ishenzhen.identity.seed import ProductionRefused
from ishenzhen.settings import load_settings


async def test_sms_outbox_and_rotate_keys(
    database_url: str,
    db_pool: asyncpg.Pool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    async with db_pool.acquire() as connection:
        await accounts.register_citizen(connection, "13700000001", None)
        await accounts.send_sms_code(connection, "13700000001", "127.0.0.1")
    import asyncio

    assert await asyncio.to_thread(main, ["identity", "sms-outbox"]) == 0
    assert "13700000001" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["identity", "rotate-keys", "--publish-seconds", "0"]) == 0
    assert await db_pool.fetchval("SELECT count(*) FROM identity_signing_keys") == 1


async def test_production_refuses_demo_accounts_and_development_keys(
    database_url: str, db_pool: asyncpg.Pool
) -> None:
    development = create_app(load_settings({}, database_url=database_url, log_format="json"))
    async with AsyncTestClient(app=development):
        pass  # seeds demo accounts and a development key
    production = create_app(load_settings({}, database_url=database_url, environment="production",
                                          identity_issuer="https://id.example.cn"))  # fmt: skip
    with pytest.raises(BaseExceptionGroup) as caught:
        async with AsyncTestClient(app=production):
            pass
    assert caught.group_contains(ProductionRefused, match="demo", depth=None)
    assert await db_pool.fetchval("SELECT count(*) FROM identity_accounts WHERE demo") == 3


async def test_serve_refuses_production_with_demo_data_before_starting_granian(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with AsyncTestClient(app=create_app(load_settings({}, database_url=database_url, log_format="json"))):
        pass  # development start: demo accounts and a development key
    import granian

    def no_granian(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("granian must not start when production is refused")

    monkeypatch.setattr(granian, "Granian", no_granian)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ISHENZHEN_ENVIRONMENT", "production")
    monkeypatch.setenv("ISHENZHEN_IDENTITY_ISSUER", "https://id.example.cn")
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["serve"]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("ishenzhen:")]
    assert errors == ["ishenzhen: the database holds development demo accounts or clients; production refuses them"]
