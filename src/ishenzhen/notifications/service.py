"""The citizen's inbox: messages written inside the transaction of the change they announce, read in pages."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg

from ishenzhen.db.sql import load_queries
from ishenzhen.errors import FieldError, InvalidInput
from ishenzhen.notifications.schemas import MarkedRead, MarkRead, Message, MessagePage
from ishenzhen.ui.resolve import Locale

__all__ = ["CHANNEL", "add_english", "as_message", "mark_read", "message_page", "queries", "record_messages"]

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Connection: TypeAlias = asyncpg.Connection[Any] | PoolConnectionProxy[Any]
CHANNEL = "notifications"
# aiosql makes its query methods at run time: typed as Any.
queries: Any = load_queries(Path(__file__).with_name("queries.sql"))


async def record_messages(
    connection: Connection,
    recipients: Iterable[uuid.UUID],
    *,
    kind: str,
    title: str,
    body: str,
    title_en: str | None = None,
    body_en: str | None = None,
    application_id: uuid.UUID | None = None,
    status: str | None = None,
) -> list[int]:
    """One message per recipient, in the caller's transaction; every instance's live stream is told at commit.

    ``title`` and ``body`` are Chinese; with ``title_en`` and ``body_en`` an English reader gets those."""
    unique = list(dict.fromkeys(recipients))
    if not unique:
        return []
    await queries.order_messages(connection)
    ids = [
        await queries.insert_message(
            connection,
            account_id=account,
            kind=kind,
            title=title,
            body=body,
            title_en=title_en,
            body_en=body_en,
            application_id=application_id,
            status=status,
        )
        for account in unique
    ]
    await queries.notify_messages(connection)
    return ids


async def add_english(
    connection: Connection, *, application_id: uuid.UUID, status: str, title: str, body: str
) -> None:
    """Give the messages this transaction wrote about ``application_id`` moving to ``status`` their English
    texts: for a writer that announces the move through another domain's code, which writes the Chinese."""
    await queries.add_english(
        connection, application_id=application_id, status=status, title_en=title, body_en=body
    )


def _encode_cursor(before_id: int) -> str:
    return base64.urlsafe_b64encode(f"m{before_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("m"):
            raise ValueError
        value = int(text[1:])
        if not 1 <= value < 2**63:
            raise ValueError
        return value
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(
            "the cursor is not one this API gave out",
            errors=[FieldError(location="query", name="cursor", reason="not a cursor from a previous page")],
        ) from None


def as_message(row: asyncpg.Record, language: Locale = "zh-CN") -> Message:
    """The message in the reader's language: English where it has English texts, else the Chinese."""
    english = language == "en" and row["body_en"] is not None and row["title_en"] is not None
    return Message(
        id=row["id"],
        kind=row["kind"],
        title=row["title_en"] if english else row["title"],
        body=row["body_en"] if english else row["body"],
        language="en" if english else "zh-CN",
        application_id=row["application_id"],
        status=row["status"],
        created_at=row["created_at"],
        read=row["read_at"] is not None,
    )


async def message_page(
    pool: asyncpg.Pool,
    account_id: str,
    *,
    unread_only: bool,
    cursor: str | None,
    limit: int,
    language: Locale = "zh-CN",
) -> MessagePage:
    before = decode_cursor(cursor) if cursor else None
    async with pool.acquire() as connection:
        rows = [
            row
            async for row in queries.messages(
                connection, account_id=account_id, unread_only=unread_only, before_id=before, limit=limit + 1
            )
        ]
        unread = await queries.unread_count(connection, account_id=account_id)
    more = len(rows) > limit
    rows = rows[:limit]
    return MessagePage(
        items=[as_message(row, language) for row in rows],
        unread=unread,
        next_cursor=_encode_cursor(rows[-1]["id"]) if more else None,
    )


async def mark_read(pool: asyncpg.Pool, account_id: str, request: MarkRead) -> MarkedRead:
    """Marks the caller's own messages; ids of anyone else's are silently not theirs to mark (never an oracle)."""
    if not request.ids and request.up_to is None:
        raise InvalidInput(
            "say which messages: ids, or up_to",
            errors=[FieldError(location="body", name="ids", reason="give ids or up_to")],
        )
    async with pool.acquire() as connection, connection.transaction():
        marked = 0
        if request.ids:
            marked += len(
                [r async for r in queries.mark_read(connection, account_id=account_id, ids=request.ids)]
            )
        if request.up_to is not None:
            marked += await queries.mark_all_read(connection, account_id=account_id, up_to=request.up_to)
        unread = await queries.unread_count(connection, account_id=account_id)
    return MarkedRead(marked=marked, unread=unread)
