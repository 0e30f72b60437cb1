"""The one-time SMS code reaches the development outbox and nothing else: no log line carries it."""

from __future__ import annotations

import re

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.identity.accounts import service as accounts
from ishenzhen.identity.accounts.throttle import Throttle
from ishenzhen.lib.shared_store import SharedStore
from ishenzhen.settings import Settings, load_settings
from tests.identity.conftest import ISSUER, L1


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Info level: the level at which the code used to be logged.
    return load_settings(
        {}, database_url=database_url, log_format="json", log_level="debug", identity_issuer=ISSUER
    )


async def test_the_sms_code_is_in_the_outbox_and_in_no_log_line(
    client: AsyncTestClient[Litestar], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The client's lifespan has seeded the demo citizens; the app's pool belongs to its own loop.
    connection = await asyncpg.connect(database_url)
    try:
        await accounts.send_sms_code(connection, Throttle(SharedStore.in_memory()), L1, "127.0.0.1")
        message = await connection.fetchval(
            "SELECT message FROM identity_sms_outbox ORDER BY id DESC LIMIT 1"
        )
    finally:
        await connection.close()
    code = re.search(r"\d{6}", message)[0]
    logged = capsys.readouterr().err
    assert "sms" in logged  # the event is still recorded, without its message
    assert code not in logged
