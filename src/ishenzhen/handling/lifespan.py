"""Handling's background work: the outbox dispatcher, the instant decider and the housekeeping task."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from ishenzhen.handling.instant import InstantDecider
from ishenzhen.handling.outbox import Dispatcher, housekeeping_forever
from ishenzhen.identity import sign_document
from ishenzhen.settings import Settings

__all__ = ["handling_lifespan"]


def handling_lifespan(settings: Settings) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """``app.state.dispatcher`` and ``app.state.instant``; needs the pool, catalogue, identity, sharing and
    departments lifespans to have run first."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        def item_name(code: str) -> str | None:
            snapshot = app.state.catalog.snapshot
            position = snapshot.position_by_code.get(code)
            return None if position is None else snapshot.items[position].name

        dispatcher = Dispatcher.from_settings(
            app.state.db_pool, app.state.departments.client, settings, item_name=item_name
        )
        await dispatcher.start()
        app.state.dispatcher = dispatcher
        instant = InstantDecider(
            app.state.db_pool,
            app.state.platform,
            app.state.rule_sets,
            lease_seconds=settings.handling.lease_seconds,
            item_name=item_name,
            sign=lambda claims: sign_document(app.state.identity, claims),
            base_url=settings.effective_issuer,
        )
        await instant.start()
        app.state.instant = instant
        housekeeping = asyncio.create_task(
            housekeeping_forever(app.state.db_pool), name="handling-housekeeping"
        )
        try:
            yield
        finally:
            housekeeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await housekeeping
            await instant.stop()
            await dispatcher.stop()

    return lifespan
