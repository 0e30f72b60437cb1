"""The change feed keeps listening whatever breaks its connection, and stops cleanly."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from asyncpg.exceptions import InternalClientError

from ishenzhen.db.change_feed import ChangeFeed
from tests.handling.helpers import eventually


async def test_a_listener_broken_mid_listen_reconnects_and_stops_cleanly(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server ending the connection while LISTEN is on the wire surfaces as this error (seen in CI when a test
    # terminated the feed's backend); the feed used to die with it and re-raise it at shutdown.
    real_add_listener = asyncpg.Connection.add_listener
    broken = 0

    async def add_listener_breaking_once(self: asyncpg.Connection, channel: str, callback: object) -> None:
        nonlocal broken
        if broken == 0:
            broken += 1
            raise InternalClientError("cannot switch to state 12; another operation (2) is in progress")
        await real_add_listener(self, channel, callback)  # type: ignore[arg-type]

    monkeypatch.setattr(asyncpg.Connection, "add_listener", add_listener_breaking_once)
    refreshed = asyncio.Event()

    async def on_change() -> None:
        refreshed.set()

    feed = ChangeFeed(database_url, "test_feed", on_change, poll_interval=600)
    await feed.start()
    try:

        async def listening() -> bool:
            return feed.listening

        await eventually(listening, within=10)
        async with asyncio.timeout(10):
            refreshed.clear()
            connection = await asyncpg.connect(database_url)
            try:
                await connection.execute("NOTIFY test_feed")
            finally:
                await connection.close()
            await refreshed.wait()
    finally:
        await feed.stop()
    assert broken == 1
