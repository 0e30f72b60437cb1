"""Accounts: argon2id passwords, real-name levels against the register, enterprises and agents."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import asyncpg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.errors import InvalidInput, PermissionDenied
from ishenzhen.identity.accounts import service as accounts
from ishenzhen.identity.accounts.register import SeededPopulationRegister, SimulatedFaceCheck
from ishenzhen.identity.hashing import hash_password, verify_password
from ishenzhen.lib.validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    is_valid_credit_code,
    resident_id_check_char,
)


@pytest.fixture
async def connection(db_pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with db_pool.acquire() as conn:
        yield conn


async def test_passwords_are_argon2id_and_verify_only_the_right_one() -> None:
    stored = await hash_password("correct horse")
    assert stored.startswith("$argon2id$")
    assert await verify_password(stored, "correct horse")
    assert not await verify_password(stored, "wrong horse")
    assert not await verify_password(None, "anything")


async def test_real_name_raises_to_l2_then_face_check_to_l3(
    connection: asyncpg.Connection, db_pool: asyncpg.Pool
) -> None:
    account = await accounts.register_citizen(connection, "13900000009", "pw-123456")
    register = SeededPopulationRegister(db_pool)
    assert await accounts.verify_real_name(connection, register, account, "刘洋", "440307199909210047") == 2
    with pytest.raises(InvalidInput):
        await accounts.verify_face(connection, SimulatedFaceCheck(), account, "live:0000")
    assert await accounts.verify_face(connection, SimulatedFaceCheck(), account, "live:0047") == 3
    row = await connection.fetchrow(
        "SELECT assurance_level, name FROM identity_accounts WHERE id = $1", account
    )
    assert (row["assurance_level"], row["name"]) == (3, "刘洋")


@pytest.mark.parametrize(
    ("name", "resident_id", "field"),
    [
        ("刘洋", "440307199909210048", "resident_id"),  # wrong check character
        ("刘洋", "44030719990921004", "resident_id"),  # too short
        ("刘洋", "990307199909210047", "resident_id"),  # no such province
        ("刘洋", "440307199913210045", "resident_id"),  # month 13
        ("王强", "440307199909210047", "name"),  # valid number, other person's name
        ("刘洋", "440303200001010010", "name"),  # valid but not in the register
    ],
)
async def test_bad_id_numbers_and_mismatches_are_refused(
    connection: asyncpg.Connection, db_pool: asyncpg.Pool, name: str, resident_id: str, field: str
) -> None:
    account = await accounts.register_citizen(connection, "13900000008", None)
    with pytest.raises(InvalidInput) as caught:
        await accounts.verify_real_name(
            connection, SeededPopulationRegister(db_pool), account, name, resident_id
        )
    assert caught.value.errors[0].name == field


async def test_enterprise_roles_need_l2_and_agents_an_expiry(
    connection: asyncpg.Connection, db_pool: asyncpg.Pool
) -> None:
    code = await accounts.add_enterprise(connection, "91440300MA5G8TEQ1Y", "示例二号有限公司")
    l1 = await accounts.register_citizen(connection, "13900000007", None)
    with pytest.raises(PermissionDenied):
        await accounts.grant_enterprise_role(connection, code, l1, "legal_representative")
    await accounts.verify_real_name(
        connection, SeededPopulationRegister(db_pool), l1, "陈静", "110105198812040059"
    )
    with pytest.raises(InvalidInput):
        await accounts.grant_enterprise_role(connection, code, l1, "agent")
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    await accounts.grant_enterprise_role(
        connection, code, l1, "agent", scopes=["applications:submit"], expires_at=expires
    )
    parties = await accounts.parties_of(connection, l1)
    assert [(p.credit_code, p.role, p.scopes) for p in parties] == [(code, "agent", ("applications:submit",))]
    await connection.execute("UPDATE identity_enterprise_roles SET expires_at = now() - interval '1 second'")
    assert await accounts.parties_of(connection, l1) == []


@pytest.mark.parametrize("code", ["91440300MA5G8TEQ1Z", "91440300MA5G8TEQ1", "91440300MA5G8TEQIY", ""])
async def test_malformed_credit_codes_are_refused(connection: asyncpg.Connection, code: str) -> None:
    with pytest.raises(InvalidInput):
        await accounts.add_enterprise(connection, code, "x")


@given(
    st.text(alphabet="0123456789", min_size=17, max_size=17),
    st.integers(0, 16),
    st.sampled_from("0123456789"),
)
def test_resident_id_check_character_catches_every_single_digit_change(
    body: str, position: int, digit: str
) -> None:
    number = body + resident_id_check_char(body)
    changed = number[:position] + digit + number[position + 1 :]
    if changed != number:
        assert resident_id_check_char(changed[:17]) != changed[17]


@given(
    st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17),
    st.integers(0, 16),
    st.sampled_from(CREDIT_CODE_ALPHABET),
)
def test_credit_code_check_character_catches_every_single_character_change(
    body: str, position: int, char: str
) -> None:
    code = body + credit_code_check_char(body)
    assert is_valid_credit_code(code)
    changed = code[:position] + char + code[position + 1 :]
    assert is_valid_credit_code(changed) == (changed == code)
