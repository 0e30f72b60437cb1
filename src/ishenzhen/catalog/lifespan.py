"""The catalogue's part of the app's life: the read snapshot loaded at start, kept current by the change feed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from litestar import Litestar

from ishenzhen.catalog.importer import CATALOG_CHANNEL
from ishenzhen.catalog.service import CatalogStore
from ishenzhen.db.change_feed import ChangeFeed

__all__ = ["catalog_lifespan"]


def catalog_lifespan(
    database_url: str | None, poll_interval: float
) -> Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]:
    """``app.state.catalog`` (a ``CatalogStore``) for the app's life; needs ``app.state.db_pool`` first.

    With ``database_url`` the store follows publications (LISTEN/NOTIFY on a connection of its own, polling
    every ``poll_interval`` seconds as a fallback); without one it keeps the snapshot read at start until
    someone calls ``refresh``.
    """

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        store = CatalogStore(app.state.db_pool)
        await store.refresh()
        app.state.catalog = store
        feed = None
        if database_url is not None:

            async def refresh() -> None:  # the feed wants no answer; refresh says whether anything changed
                await store.refresh()

            feed = ChangeFeed(database_url, CATALOG_CHANNEL, refresh, poll_interval=poll_interval)
            await feed.start()
        app.state.catalog_feed = feed
        try:
            yield
        finally:
            if feed is not None:
                await feed.stop()

    return lifespan
