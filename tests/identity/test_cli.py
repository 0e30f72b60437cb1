"""``ishenzhen identity sms-outbox | rotate-keys`` and the production refusals."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from ishenzhen.app import create_app
from ishenzhen.cli import main
from ishenzhen.identity.accounts import service as accounts
from ishenzhen.identity.accounts.throttle import Throttle
from ishenzhen.identity.seed import ProductionRefused
from ishenzhen.lib.shared_store import SharedStore
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
        await accounts.send_sms_code(
            connection, Throttle(SharedStore.in_memory()), "13700000001", "127.0.0.1"
        )
    import asyncio

    assert await asyncio.to_thread(main, ["identity", "sms-outbox"]) == 0
    assert "13700000001" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["identity", "rotate-keys", "--publish-seconds", "0"]) == 0
    kinds = await db_pool.fetch("SELECT alg, count(*) FROM identity_signing_keys GROUP BY alg ORDER BY alg")
    assert [tuple(row) for row in kinds] == [("ES256", 1), ("RS256", 1)]


async def test_production_refuses_demo_accounts_and_development_keys(
    database_url: str, db_pool: asyncpg.Pool
) -> None:
    development = create_app(load_settings({}, database_url=database_url, log_format="json"))
    async with AsyncTestClient(app=development):
        pass  # seeds demo accounts and a development key
    production = create_app(
        load_settings(
            {}, database_url=database_url, environment="production", identity_issuer="https://id.example.cn"
        )
    )
    with pytest.raises(BaseExceptionGroup) as caught:
        async with AsyncTestClient(app=production):
            pass
    assert caught.group_contains(ProductionRefused, match="demo", depth=None)
    assert await db_pool.fetchval("SELECT count(*) FROM identity_accounts WHERE demo") == 3


async def test_serve_refuses_production_with_demo_data_before_starting_granian(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with AsyncTestClient(
        app=create_app(load_settings({}, database_url=database_url, log_format="json"))
    ):
        pass  # development start: demo accounts and a development key
    import granian

    def no_granian(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("granian must not start when production is refused")

    monkeypatch.setattr(granian, "Granian", no_granian)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ISHENZHEN_ENVIRONMENT", "production")
    monkeypatch.setenv("ISHENZHEN_IDENTITY_ISSUER", "https://id.example.cn")
    monkeypatch.setenv("ISHENZHEN_IDENTITY_KEY_ENCRYPTION_KEY", "A" * 43)  # 32 bytes: past that check
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["serve"]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("ishenzhen:")]
    assert errors == [
        "ishenzhen: the database holds development demo accounts or clients; production refuses them"
    ]


async def test_an_operator_registers_a_department_client_and_sees_its_secret_once(
    database_url: str,
    db_pool: asyncpg.Pool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    await db_pool.execute(
        "INSERT INTO catalog_departments (slug, name, credit_code, document)"
        " VALUES ('customs', '深圳海关', '11100000000013127W', '{}')"
    )
    create = ["identity", "clients", "create", "--name", "深圳海关 Customs", "--department", "customs"]
    assert await asyncio.to_thread(main, [*create, "--scope", "registry:write"]) == 0
    out = capsys.readouterr().out
    client_id, secret = (line.split(": ", 1)[1] for line in out.splitlines())
    assert client_id == "dept-customs" and len(secret) >= 40
    stored = await db_pool.fetchrow(
        "SELECT secret_hash, scopes, grant_types FROM identity_clients WHERE client_id = $1", client_id
    )
    assert secret.encode() not in stored["secret_hash"] and stored["scopes"] == ["registry:write"]
    assert stored["grant_types"] == ["client_credentials"]

    app = create_app(load_settings({}, database_url=database_url, log_format="json"))
    async with AsyncTestClient(app=app) as client:
        answer = await client.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
        assert answer.status_code == 200, answer.text

    # Refused with one line and exit code 2: the same id again, a citizen's scope, an unknown department.
    assert await asyncio.to_thread(main, [*create, "--scope", "registry:write"]) == 2
    assert await asyncio.to_thread(main, [*create, "--scope", "profile", "--client-id", "customs-2"]) == 2
    unknown = [
        "identity",
        "clients",
        "create",
        "--name",
        "x",
        "--department",
        "nowhere",
        "--scope",
        "registry:write",
    ]
    assert await asyncio.to_thread(main, unknown) == 2
    assert "no department 'nowhere'" in capsys.readouterr().err
