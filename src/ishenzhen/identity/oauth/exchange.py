"""The typed hand-over between the async side of the provider and authlib's synchronous engine.

Modelled on Ory Hydra's (fosite's) storage interfaces: one structure per endpoint, and per grant at the token
endpoint, naming what that grant reads (loaded with asyncpg before authlib runs) and what it writes (persisted
after it returns). ``current`` holds the exchange of the request being run (a ContextVar, so concurrent
requests never see each other's); ``exchange_of`` is how a callback reaches it, and a callback reaching for
another endpoint's exchange is a bug that says so.
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass, field
from typing import Any, TypeVar

from authlib.oauth2.rfc6749 import OAuth2Request

from ishenzhen.identity.accounts.models import Account
from ishenzhen.identity.oauth.models import AuthCode, Client, RefreshRecord

__all__ = [
    "AuthorizeExchange",
    "ClientAssertion",
    "CodeRedemption",
    "Exchange",
    "IssuedCode",
    "IssuedToken",
    "LookedUpToken",
    "RefreshRotation",
    "TokenExchange",
    "TokenLookupExchange",
    "current",
    "exchange_of",
]


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """An authorization code authlib generated, with the request it answers (stored by its hash)."""

    code: str
    request: OAuth2Request


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """The token response authlib built, with the request it answers (recorded before it is sent)."""

    token: dict[str, Any]
    request: OAuth2Request


@dataclass(frozen=True, slots=True)
class ClientAssertion:
    """A ``private_key_jwt`` assertion authlib accepted: remembered until ``exp`` so it is used once."""

    sub: str
    jti: str
    exp: int


@dataclass(slots=True)
class LookedUpToken:
    """A token presented to revocation or introspection, as authlib's TokenMixin expects."""

    kind: str
    client_id: str
    active: bool
    introspection: dict[str, Any]
    family_id: uuid.UUID | None = None
    jti: str | None = None
    exp: int = 0

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client_id

    def is_expired(self) -> bool:
        return not self.active

    def is_revoked(self) -> bool:
        return not self.active


@dataclass(slots=True)
class Exchange:
    """What every endpoint's authlib run reads: the clients the request names, by id."""

    clients: dict[str, Client] = field(default_factory=dict)


@dataclass(slots=True)
class AuthorizeExchange(Exchange):
    """The authorization endpoint: reads the (already checked) client; writes the code it issues."""

    issued_code: IssuedCode | None = None


@dataclass(slots=True)
class CodeRedemption:
    """The authorization_code grant: reads the unused, unexpired code found by its hash (None when there is
    none) and the account whose claims go into the ID token; writes the code it consumed."""

    code: AuthCode | None
    profile: Account | None = None
    consumed: AuthCode | None = None


@dataclass(slots=True)
class RefreshRotation:
    """The refresh_token grant: reads the presented token's record (None when unknown); writes the record
    it rotated away from."""

    record: RefreshRecord | None
    rotated: RefreshRecord | None = None


@dataclass(slots=True)
class TokenExchange(Exchange):
    """The token endpoint. Every grant reads the clients and the assertion ids already seen, and may write an
    accepted client assertion and the issued token; ``code`` or ``refresh`` holds its grant's own part."""

    seen_assertions: frozenset[tuple[str, str]] = frozenset()
    code: CodeRedemption | None = None
    refresh: RefreshRotation | None = None
    assertion: ClientAssertion | None = None
    issued: IssuedToken | None = None


@dataclass(slots=True)
class TokenLookupExchange(Exchange):
    """Revocation and introspection: read the presented token (None when unknown); revocation writes it."""

    token: LookedUpToken | None = None
    revoked: LookedUpToken | None = None


current: contextvars.ContextVar[Exchange] = contextvars.ContextVar("identity_exchange")
_E = TypeVar("_E", bound=Exchange)


def exchange_of(kind: type[_E]) -> _E:
    exchange = current.get()
    if not isinstance(exchange, kind):
        raise TypeError(f"an authlib callback of {kind.__name__} ran with a {type(exchange).__name__}")
    return exchange
