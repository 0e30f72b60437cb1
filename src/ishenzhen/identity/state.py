"""The identity domain's per-instance state and its lifespan (wired by ``app.create_app``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from litestar import Litestar

from ishenzhen.db.change_feed import ChangeFeed
from ishenzhen.identity.accounts.register import (
    FaceCheck,
    PopulationRegister,
    SeededPopulationRegister,
    SimulatedFaceCheck,
)
from ishenzhen.identity.accounts.throttle import Throttle
from ishenzhen.identity.oauth.authorize import AuthorizationFlow
from ishenzhen.identity.oauth.keys import KeyRing, key_encryption_key
from ishenzhen.identity.oauth.service import REVOCATIONS_CHANNEL, IdentityProvider
from ishenzhen.identity.seed import prepare_identity
from ishenzhen.settings import Settings

__all__ = ["IdentityState", "identity_lifespan"]

# Revoked tokens must be refused everywhere within a second even when a notification is lost: the safety poll
# is one indexed read of recent revocations, so it can afford to run this often.
REVOCATION_POLL_SECONDS = 1.0


@dataclass(slots=True)
class IdentityState:
    settings: Settings
    keys: KeyRing
    provider: IdentityProvider
    flow: AuthorizationFlow
    register: PopulationRegister
    face_check: FaceCheck
    throttle: Throttle

    @property
    def issuer(self) -> str:
        return self.settings.effective_issuer


def identity_lifespan(settings: Settings) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        pool = app.state.db_pool
        async with pool.acquire() as connection:
            await prepare_identity(connection, settings)
        keys = KeyRing(pool, settings.identity.key_refresh_seconds, kek=key_encryption_key(settings))
        await keys.load()
        issuer = settings.effective_issuer
        # The app's shared store (``app.state.shared_store``): counters every instance sees alike.
        limiter = Throttle(app.state.shared_store)
        provider = IdentityProvider(
            pool,
            keys,
            issuer,
            settings.identity.access_token_seconds,
            settings.identity.refresh_idle_seconds,
            token_rates=(settings.identity.token_rate_per_client, settings.identity.token_rate_per_address),
            limiter=limiter,
        )
        app.state.identity = IdentityState(
            settings=settings,
            keys=keys,
            provider=provider,
            flow=AuthorizationFlow(provider, secure_cookies=issuer.startswith("https://")),
            register=SeededPopulationRegister(pool),
            face_check=SimulatedFaceCheck(),
            throttle=limiter,
        )
        await provider.revocations.refresh()
        feed = None
        if settings.database.url is not None:
            feed = ChangeFeed(
                settings.database.url,
                REVOCATIONS_CHANNEL,
                provider.revocations.refresh,
                poll_interval=min(REVOCATION_POLL_SECONDS, settings.database.change_poll_seconds),
            )
            await feed.start()
        try:
            yield
        finally:
            if feed is not None:
                await feed.stop()

    return lifespan
