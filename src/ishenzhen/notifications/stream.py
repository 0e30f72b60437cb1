"""The live stream's hub: one per app instance, fed by the LISTEN/NOTIFY change feed.

Every instance listens on the ``notifications`` channel (``db.change_feed``). A notification only says "new
messages"; the hub then reads the messages above its watermark for the accounts connected here and hands each
to that account's open streams. Because message ids are handed out in commit order (``record_messages`` takes
an advisory lock), the watermark never skips a message that commits late; and because the change feed also
polls, a notification lost while the listening connection was down delays a message, never loses it.

A stream whose reader falls behind (its queue is full) is closed: the app reconnects with ``Last-Event-ID``
and reads what it missed from the inbox, so one slow phone never holds the hub's memory.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict

import asyncpg
import structlog

from ishenzhen.notifications.metrics import LIVE_STREAMS
from ishenzhen.notifications.schemas import Message
from ishenzhen.notifications.service import as_message, queries
from ishenzhen.ui.resolve import Locale

__all__ = ["StreamHub", "Subscription", "TooManyStreams"]

log = structlog.get_logger(__name__)
QUEUE_SIZE = 256
_READ_BATCH = 500


class TooManyStreams(Exception):
    """The account already has as many live streams open as allowed."""


class Subscription:
    """One open stream: messages for its account arrive on ``queue``, in the stream's ``language``; ``None``
    there means "closed, reconnect"."""

    def __init__(self, account_id: uuid.UUID, language: Locale = "zh-CN") -> None:
        self.account_id = account_id
        self.language: Locale = language
        self.queue: asyncio.Queue[Message | None] = asyncio.Queue(QUEUE_SIZE)


class StreamHub:
    def __init__(self, pool: asyncpg.Pool, max_per_account: int) -> None:
        self.pool = pool
        self.max_per_account = max_per_account
        self._subscriptions: defaultdict[uuid.UUID, set[Subscription]] = defaultdict(set)
        self._watermark: int | None = None
        self._lock = asyncio.Lock()

    @property
    def connections(self) -> int:
        return sum(len(subs) for subs in self._subscriptions.values())

    async def start(self) -> None:
        async with self.pool.acquire() as connection:
            self._watermark = await queries.last_message_id(connection)

    def has_room(self, account_id: uuid.UUID) -> bool:
        return len(self._subscriptions.get(account_id, ())) < self.max_per_account

    def subscribe(self, account_id: uuid.UUID, language: Locale = "zh-CN") -> Subscription:
        if not self.has_room(account_id):
            raise TooManyStreams(f"at most {self.max_per_account} live streams per account")
        subscription = Subscription(account_id, language)
        self._subscriptions[account_id].add(subscription)
        LIVE_STREAMS.inc()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        open_streams = self._subscriptions.get(subscription.account_id)
        if open_streams is not None and subscription in open_streams:
            open_streams.discard(subscription)
            LIVE_STREAMS.dec()
            if not open_streams:
                del self._subscriptions[subscription.account_id]

    async def refresh(self) -> None:
        """Called by the change feed (never concurrently with itself): hand new messages to open streams."""
        async with self._lock:
            if self._watermark is None:
                await self.start()
                return
            async with self.pool.acquire() as connection:
                if not self._subscriptions:
                    self._watermark = await queries.last_message_id(connection)
                    return
                while True:
                    accounts = list(self._subscriptions)
                    # Read the watermark first: anything committed after it is read next time.
                    top = await queries.last_message_id(connection)
                    rows = [
                        row
                        async for row in queries.messages_after(
                            connection, account_ids=accounts, after_id=self._watermark, limit=_READ_BATCH
                        )
                    ]
                    for row in rows:
                        self._deliver(row)
                    if len(rows) == _READ_BATCH:
                        self._watermark = rows[-1]["id"]
                        continue
                    self._watermark = max(self._watermark, top, rows[-1]["id"] if rows else 0)
                    return

    def _deliver(self, row: asyncpg.Record) -> None:
        account_id: uuid.UUID = row["account_id"]
        # Built per stream: an account's phone may read English while its tablet reads Chinese.
        for subscription in list(self._subscriptions.get(account_id, ())):
            try:
                subscription.queue.put_nowait(as_message(row, subscription.language))
            except asyncio.QueueFull:
                log.info("notifications.stream_overrun", streams=len(self._subscriptions[account_id]))
                self.unsubscribe(subscription)
                # Make room for the closing marker: the reader stops at the first None.
                while not subscription.queue.empty():
                    subscription.queue.get_nowait()
                subscription.queue.put_nowait(None)

    def close_all(self) -> None:
        for open_streams in list(self._subscriptions.values()):
            for subscription in list(open_streams):
                self.unsubscribe(subscription)
                while not subscription.queue.empty():
                    subscription.queue.get_nowait()
                subscription.queue.put_nowait(None)
