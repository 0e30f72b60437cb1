"""The data-access log is append-only, chained per subject, checkpointed, and tampering is found."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import uuid

import asyncpg
import pytest

from ishenzhen.settings import load_settings
from ishenzhen.sharing import AccessBasis, Pull, record_pulls, verify_log, write_checkpoint
from ishenzhen.sharing.access_log import AuditKey
from ishenzhen.sharing.cli import run_verify
from ishenzhen.sharing.lifespan import periodic_checkpoints
from ishenzhen.sharing.service import DEVELOPMENT_AUDIT_KEY, data_access
from tests.handling.helpers import eventually

KEY = AuditKey(DEVELOPMENT_AUDIT_KEY)
ALICE, BOB = "440305199207060029", "440303198503120017"


def _basis(action: str | None = None) -> AccessBasis:
    if action:
        return AccessBasis(requester="gateway:wallet", purpose="citizen_view", citizen_action=action)
    return AccessBasis(
        requester="gateway:instant_approval",
        purpose="instant_approval",
        application_id=uuid.uuid4(),
        item_code="070120001000440300",
    )


def _pulls(subject: str) -> list[Pull]:
    return [
        Pull(subject, "person", "population", ("birth_date", "status"), "ok"),
        Pull(subject, "person", "e_licence", ("diploma.status",), "not_found"),
        Pull(subject, "person", "credit", ("dishonest",), "unavailable"),
    ]


async def _fill(connection: asyncpg.Connection) -> None:
    await record_pulls(connection, _basis(), _pulls(ALICE) + _pulls(BOB))
    await record_pulls(connection, _basis("view_licences"), _pulls(ALICE)[:1])


async def _tamper(connection: asyncpg.Connection, statement: str, *args: object) -> None:
    # What an operator with table rights could do: switch the append-only trigger off, then edit.
    await connection.execute("ALTER TABLE sharing_access_log DISABLE TRIGGER sharing_access_log_append_only")
    await connection.execute(statement, *args)
    await connection.execute("ALTER TABLE sharing_access_log ENABLE TRIGGER sharing_access_log_append_only")


async def test_chain_verifies_and_reads_newest_first(db_pool: asyncpg.Pool) -> None:
    async with db_pool.acquire() as connection:
        await _fill(connection)
        await write_checkpoint(connection, KEY)
        result = await verify_log(connection, KEY)
        assert (result.ok, result.entries, result.subjects, result.checkpoints) == (True, 7, 2, 1)
        page = await data_access(connection, ALICE, "person", language="zh-CN")
        assert [e.source for e in page.entries] == ["population", "credit", "e_licence", "population"]
        assert (
            page.entries[0].purpose_name == "本人查询" and page.entries[0].citizen_action == "view_licences"
        )
        assert (
            page.entries[1].outcome_name == "数据源不可用" and page.entries[1].source_name == "公共信用信息"
        )
        assert page.entries[2].field_names == ["学历证书证照状态"]
        english = await data_access(connection, ALICE, "person", language="en", page_size=2)
        assert english.entries[1].outcome_name == "source unavailable" and english.next_before is not None
        older = await data_access(connection, ALICE, "person", language="en", before=english.next_before)
        assert [e.id for e in older.entries] == [e.id for e in page.entries[2:]]


async def test_the_table_refuses_updates_and_deletes(db_pool: asyncpg.Pool) -> None:
    async with db_pool.acquire() as connection:
        await _fill(connection)
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute("UPDATE sharing_access_log SET outcome = 'ok'")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute("DELETE FROM sharing_access_log")


async def test_an_edited_row_is_named(db_pool: asyncpg.Pool) -> None:
    async with db_pool.acquire() as connection:
        await _fill(connection)
        target = await connection.fetchval(
            "SELECT id FROM sharing_access_log WHERE subject = $1 AND seq = 2", BOB
        )
        await _tamper(connection, "UPDATE sharing_access_log SET fields = '{}' WHERE id = $1", target)
        result = await verify_log(connection, KEY)
    assert result.broken is not None
    assert (result.broken.id, result.broken.subject, result.broken.seq) == (target, BOB, 2)
    assert "changed" in result.broken.reason


async def test_a_deleted_entry_and_a_rewritten_chain_are_found(db_pool: asyncpg.Pool) -> None:
    async with db_pool.acquire() as connection:
        await _fill(connection)
        second = await connection.fetchval(
            "SELECT id FROM sharing_access_log WHERE subject = $1 AND seq = 2", ALICE
        )
        await _tamper(connection, "DELETE FROM sharing_access_log WHERE id = $1", second)
        result = await verify_log(connection, KEY)
        assert result.broken is not None and result.broken.seq == 3 and "missing" in result.broken.reason


async def test_cutting_a_chain_short_breaks_the_signed_checkpoint(db_pool: asyncpg.Pool) -> None:
    async with db_pool.acquire() as connection:
        await _fill(connection)
        await write_checkpoint(connection, KEY)
        # The last entry of a chain leaves no gap behind; only the checkpoint can tell it existed.
        await _tamper(connection, "DELETE FROM sharing_access_log WHERE subject = $1 AND seq = 4", ALICE)
        result = await verify_log(connection, KEY)
    assert (
        result.broken is not None and result.broken.kind == "checkpoint" and "removed" in result.broken.reason
    )


async def test_a_checkpoint_signed_with_another_key_is_refused(db_pool: asyncpg.Pool) -> None:
    other = AuditKey(base64.urlsafe_b64encode(b"x" * 32).decode().rstrip("="))
    async with db_pool.acquire() as connection:
        await _fill(connection)
        await write_checkpoint(connection, other)
        assert await write_checkpoint(connection, other) is None  # nothing new: no second checkpoint
        result = await verify_log(connection, KEY)
    assert (
        result.broken is not None
        and result.broken.kind == "checkpoint"
        and "signature" in result.broken.reason
    )


async def test_concurrent_appends_to_one_subject_keep_one_chain(db_pool: asyncpg.Pool) -> None:
    async def append() -> None:
        async with db_pool.acquire() as connection:
            await record_pulls(connection, _basis(), _pulls(ALICE))

    await asyncio.gather(*(append() for _ in range(8)))
    async with db_pool.acquire() as connection:
        result = await verify_log(connection, KEY)
        seqs = [r["seq"] for r in await connection.fetch("SELECT seq FROM sharing_access_log ORDER BY seq")]
    assert result.ok and seqs == list(range(1, 25))


def test_basis_is_an_application_or_a_citizen_action_never_neither() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        AccessBasis(requester="gateway", purpose="instant_approval")
    with pytest.raises(ValueError, match="exactly one"):
        AccessBasis(
            requester="gateway", purpose="instant_approval", application_id=uuid.uuid4(), citizen_action="x"
        )


async def test_audit_verify_command(
    database_url: str, db_pool: asyncpg.Pool, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings({}, database_url=database_url)
    async with db_pool.acquire() as connection:
        await _fill(connection)
    assert await run_verify(database_url, settings) == 0
    assert "7 entries, 2 subjects" in capsys.readouterr().out
    async with db_pool.acquire() as connection:
        target = await connection.fetchval("SELECT max(id) FROM sharing_access_log")
        await _tamper(
            connection,
            "UPDATE sharing_access_log SET at = $1 WHERE id = $2",
            dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            target,
        )
    assert await run_verify(database_url, settings) == 1
    assert f"BROKEN at entry {target}" in capsys.readouterr().out


async def test_the_periodic_checkpoint_is_signed_and_releases_its_lock(db_pool: asyncpg.Pool) -> None:
    async with db_pool.acquire() as connection:
        await _fill(connection)
    # Two instances' loops on one database: each round one of them signs, and neither keeps the lock.
    loops = [asyncio.create_task(periodic_checkpoints(db_pool, KEY, 0.02)) for _ in range(2)]
    try:

        async def signed() -> bool:
            return bool(await db_pool.fetchval("SELECT count(*) FROM sharing_checkpoints"))

        await eventually(signed)
    finally:
        for loop in loops:
            loop.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
    async with db_pool.acquire() as connection:
        result = await verify_log(connection, KEY)
        assert (result.ok, result.checkpoints) == (True, 1)
        held = await connection.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4013"
        )
        assert held == 0
