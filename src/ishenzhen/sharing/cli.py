"""``ishenzhen audit verify`` and ``ishenzhen audit checkpoint``: the data-access log from the command line."""

from __future__ import annotations

import asyncpg

from ishenzhen.settings import Settings
from ishenzhen.sharing.access_log import verify_log, write_checkpoint
from ishenzhen.sharing.service import audit_key

__all__ = ["run_checkpoint", "run_verify"]


async def run_verify(url: str, settings: Settings) -> int:
    """Print the outcome; exit status 0 when every chain and checkpoint verifies, 1 naming the first break."""
    connection = await asyncpg.connect(url)
    try:
        result = await verify_log(connection, audit_key(settings))
    finally:
        await connection.close()
    if result.broken is None:
        print(
            f"access log verified: {result.entries} entries, {result.subjects} subjects, "
            f"{result.checkpoints} signed checkpoints"
        )
        return 0
    broken = result.broken
    where = (
        f"entry {broken.id} (subject chain position {broken.seq})"
        if broken.kind == "entry"
        else f"checkpoint {broken.id}"
    )
    print(f"access log BROKEN at {where}: {broken.reason}")
    return 1


async def run_checkpoint(url: str, settings: Settings) -> int:
    connection = await asyncpg.connect(url)
    try:
        written = await write_checkpoint(connection, audit_key(settings))
    finally:
        await connection.close()
    print("checkpoint signed" if written is not None else "nothing new since the last checkpoint")
    return 0
