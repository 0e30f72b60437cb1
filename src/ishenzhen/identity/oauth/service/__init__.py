"""The OAuth provider's service: with ``keys``, the only code running the subpackage's queries.

``provider`` (the token, revocation and introspection endpoints around authlib), ``authorization`` (what the
authorization endpoint keeps: sessions, codes, consents), ``clients`` (registration and the production
counts), ``revocations`` (the revoked access tokens every instance holds in memory); callers import this package, not its modules.
"""

from __future__ import annotations

from ishenzhen.identity.oauth.service.authorization import (
    SESSION_SECONDS,
    close_session,
    consent_covers,
    find_session,
    open_session,
    record_consent,
    store_code,
)
from ishenzhen.identity.oauth.service.clients import (
    DEPARTMENT_SCOPES,
    ClientRefused,
    count_demo_clients,
    count_development_keys,
    count_signing_keys,
    register_client,
    register_demo_department_client,
    register_department_client,
)
from ishenzhen.identity.oauth.service.provider import (
    CODE_SECONDS,
    REFRESH_ABSOLUTE,
    IdentityProvider,
    OAuthResult,
    oauth_error,
)
from ishenzhen.identity.oauth.service.revocations import REVOCATIONS_CHANNEL, RevocationList

__all__ = [
    "CODE_SECONDS",
    "DEPARTMENT_SCOPES",
    "REFRESH_ABSOLUTE",
    "REVOCATIONS_CHANNEL",
    "SESSION_SECONDS",
    "ClientRefused",
    "IdentityProvider",
    "OAuthResult",
    "RevocationList",
    "close_session",
    "consent_covers",
    "count_demo_clients",
    "count_development_keys",
    "count_signing_keys",
    "find_session",
    "oauth_error",
    "open_session",
    "record_consent",
    "register_client",
    "register_demo_department_client",
    "register_department_client",
    "store_code",
]
