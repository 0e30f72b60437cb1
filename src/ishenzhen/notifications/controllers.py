"""HTTP only: the citizen's inbox (``/v1/me/messages``) and live stream (``/v1/me/events``, server-sent events).

The stream is litestar's own ``ServerSentEvent`` response over an async generator: it already handles the
framing and stops iterating when the client goes away, so no SSE library is added. Each event's ``id`` is the
inbox message id, so a reconnecting app sends ``Last-Event-ID`` and first gets what it missed.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException
from litestar.openapi.spec import Example
from litestar.params import Body, HeaderParameter, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from ishenzhen.errors import FieldError, InvalidInput, problem_spec
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.lib.http import BEARER, response_spec
from ishenzhen.notifications.schemas import MarkedRead, MarkRead, Message, MessagePage
from ishenzhen.notifications.service import as_message, mark_read, message_page, queries
from ishenzhen.notifications.stream import StreamHub, TooManyStreams
from ishenzhen.ui.resolve import Locale, negotiate_locale

__all__ = ["MessagesController"]

READ = requires("applications:submit")
_BACKLOG = 200
# What _last_event_id takes: nothing, or the decimal id of a message (ids are bigint, at most 19 digits).
LAST_EVENT_ID_PATTERN = r"^[0-9]{0,19}$"
_encoder = msgspec.json.Encoder()

AcceptLanguage = Annotated[
    str | None,
    HeaderParameter(
        name="Accept-Language",
        required=False,
        max_length=512,
        description="zh-CN (default) or en: messages with English texts are given in English",
    ),
]
LastEventId = Annotated[
    str | None,
    HeaderParameter(
        name="Last-Event-ID",
        required=False,
        max_length=20,
        description="the id of the last event received: the stream starts with what came after it",
        schema_extra={"pattern": LAST_EVENT_ID_PATTERN},
    ),
]


def _account(principal: Principal) -> uuid.UUID:
    return uuid.UUID(principal.sub)


def _event(message: Message) -> ServerSentEventMessage:
    return ServerSentEventMessage(data=_encoder.encode(message).decode(), event="message", id=message.id)


def _last_event_id(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 19:
        raise InvalidInput(
            "Last-Event-ID is the id of an event this stream sent",
            errors=[FieldError(location="header", name="Last-Event-ID", reason="expected a message id")],
        )
    return int(value)


async def _events(
    hub: StreamHub, account: uuid.UUID, after: int | None, heartbeat: float, language: Locale
) -> AsyncIterator[ServerSentEventMessage]:
    # Subscribed here, when the response starts, so a stream that never starts holds no place.
    try:
        subscription = hub.subscribe(account, language)
    except TooManyStreams:
        yield ServerSentEventMessage(comment="too many streams for this account", data=None)
        return
    try:
        last_sent = after or 0
        # Say how soon to reconnect, and open the stream at once (a proxy then knows it is alive).
        yield ServerSentEventMessage(comment="stream open", retry=3000, data=None)
        if after is not None:
            async with hub.pool.acquire() as connection:
                rows = [
                    row
                    async for row in queries.messages_after(
                        connection, account_ids=[subscription.account_id], after_id=after, limit=_BACKLOG
                    )
                ]
            for row in rows:
                last_sent = row["id"]
                yield _event(as_message(row, language))
        while True:
            try:
                async with asyncio.timeout(heartbeat):
                    message = await subscription.queue.get()
            except TimeoutError:
                yield ServerSentEventMessage(comment="heartbeat", data=None)
                continue
            if message is None:
                return
            if message.id > last_sent:
                last_sent = message.id
                yield _event(message)
    finally:
        hub.unsubscribe(subscription)


class MessagesController(Controller):
    path = "/v1/me"
    tags = ("notifications",)
    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}

    @get(
        "/messages",
        summary="The inbox: status changes of my applications, newest first",
        opt=READ,
        security=BEARER,
        responses={
            200: response_spec(MessagePage, "A page of messages"),
            400: problem_spec("A parameter is malformed"),
            401: problem_spec("No valid access token"),
            403: problem_spec("The token lacks applications:submit"),
        },
    )
    async def messages(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        unread: Annotated[bool, QueryParameter(description="only unread messages")] = False,
        cursor: Annotated[
            str | None, QueryParameter(max_length=64, description="next_cursor of the previous page")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        accept_language: AcceptLanguage = None,
    ) -> MessagePage:
        return await message_page(
            request.app.state.db_pool,
            principal.sub,
            unread_only=unread,
            cursor=cursor,
            limit=limit,
            language=negotiate_locale(accept_language),
        )

    @post(
        "/messages/read",
        summary="Mark messages read (by id, or every one up to an id)",
        status_code=200,
        opt=READ,
        security=BEARER,
        responses={
            200: response_spec(MarkedRead, "How many were marked, and how many are still unread"),
            401: problem_spec("No valid access token"),
            403: problem_spec("The token lacks the scope"),
            422: problem_spec("Neither ids nor up_to, or a bad id"),
        },
    )
    async def mark_read(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: Annotated[
            MarkRead,
            Body(
                description="ids, or up_to",
                # mark_read's own check, which the Struct's types cannot say: at least one id, or up_to.
                schema_extra={
                    "anyOf": [
                        {"required": ["ids"], "properties": {"ids": {"minItems": 1}}},
                        {"required": ["up_to"], "properties": {"up_to": {"not": {"type": "null"}}}},
                    ]
                },
                examples=[
                    Example(summary="这几条已读", value={"ids": [1024, 1025]}),
                    Example(summary="这条及以前的都已读", value={"up_to": 1025}),
                ],
            ),
        ],
    ) -> MarkedRead:
        return await mark_read(request.app.state.db_pool, principal.sub, data)

    @get(
        "/events",
        summary="Live stream of my messages (server-sent events), resumable with Last-Event-ID",
        opt=READ,
        security=BEARER,
        responses={
            200: response_spec(
                None,
                "text/event-stream: `message` events (a Message as JSON), heartbeat comments",
                media_type="text/event-stream",
            ),
            400: problem_spec("Last-Event-ID is malformed"),
            401: problem_spec("No valid access token"),
            403: problem_spec("The token lacks the scope"),
            429: problem_spec("This account has as many live streams open as allowed"),
        },
    )
    async def events(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        last_event_id: LastEventId = None,
        accept_language: AcceptLanguage = None,
    ) -> ServerSentEvent:
        after = _last_event_id(last_event_id)
        hub: StreamHub = request.app.state.notification_hub
        account = _account(principal)
        if not hub.has_room(account):
            detail = f"at most {hub.max_per_account} live streams per account; close one first"
            raise HTTPException(status_code=429, detail=detail, headers={"Retry-After": "10"})
        heartbeat = request.app.state.settings.notifications.heartbeat_seconds
        return ServerSentEvent(
            _events(hub, account, after, heartbeat, negotiate_locale(accept_language)),
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
