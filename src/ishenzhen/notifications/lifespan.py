"""The inbox's live side: one stream hub per process, refreshed by the database's change feed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from ishenzhen.db.change_feed import ChangeFeed
from ishenzhen.notifications.service import CHANNEL
from ishenzhen.notifications.stream import StreamHub
from ishenzhen.settings import Settings

__all__ = ["notifications_lifespan"]


def notifications_lifespan(settings: Settings) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """``app.state.notification_hub``; needs ``app.state.db_pool`` (the database lifespan runs first)."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        hub = StreamHub(app.state.db_pool, settings.notifications.streams_per_user)
        await hub.start()
        app.state.notification_hub = hub
        feed = None
        if settings.database.url is not None:
            feed = ChangeFeed(
                settings.database.url,
                CHANNEL,
                hub.refresh,
                poll_interval=settings.database.change_poll_seconds,
            )
            await feed.start()
        try:
            yield
        finally:
            hub.close_all()
            if feed is not None:
                await feed.stop()

    return lifespan
