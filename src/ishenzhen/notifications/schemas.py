"""Bodies of the inbox and the live stream."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from ishenzhen.lib.structs import Struct

__all__ = ["MarkRead", "MarkedRead", "Message", "MessagePage"]

# A JavaScript client reads integers exactly only up to 2**53 - 1: the bound every id the API takes has.
MessageId = Annotated[int, msgspec.Meta(ge=1, le=2**53 - 1)]


class Message(Struct, frozen=True):
    """One inbox message: a status change of an application, in words for the citizen."""

    id: int
    kind: str
    title: str
    body: str
    application_id: uuid.UUID | None
    status: str | None
    created_at: dt.datetime
    read: bool
    # The language of title and body: the reader's (Accept-Language) where the message has it, else Chinese.
    language: Literal["zh-CN", "en"] = "zh-CN"


class MessagePage(Struct, frozen=True):
    items: list[Message]
    unread: int
    next_cursor: str | None = None


class MarkRead(Struct, frozen=True, forbid_unknown_fields=True):
    """Either ``ids`` (at most 100), or ``up_to``: every message up to and including that id."""

    ids: Annotated[list[MessageId], msgspec.Meta(max_length=100)] = []
    up_to: MessageId | None = None


class MarkedRead(Struct, frozen=True):
    marked: int
    unread: int
