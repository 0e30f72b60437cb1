"""The OAuth 2.1 / OpenID Connect provider: authlib's engine run without I/O (``engine``), its storage and
the token, revocation and introspection flows (``service``), signing keys (``keys``), access tokens
(``tokens``), clients, codes and refresh tokens (``models``), the sign-in flow and pages (``authorize``,
``pages``); its endpoints are in ``identity.controllers``.

``service`` and ``keys`` are the only modules running the subpackage's queries (``queries.sql``, loaded once
in ``_sql``); people (accounts, login, the audit trail) are the ``accounts`` subpackage's.
"""

from __future__ import annotations

from ishenzhen.identity.oauth.keys import (
    ALGORITHM,
    SIGNING_ALGORITHMS,
    KeyRing,
    StoredKey,
    create_signing_keys,
)
from ishenzhen.identity.oauth.models import AuthCode, Client, RefreshRecord, Subject, redirect_uri_matches
from ishenzhen.identity.oauth.service import (
    CODE_SECONDS,
    DEPARTMENT_SCOPES,
    ClientRefused,
    IdentityProvider,
    OAuthResult,
)
from ishenzhen.identity.oauth.tokens import API_AUDIENCE, AccessTokenVerifier, InvalidToken

__all__ = [
    "ALGORITHM",
    "API_AUDIENCE",
    "CODE_SECONDS",
    "DEPARTMENT_SCOPES",
    "SIGNING_ALGORITHMS",
    "AccessTokenVerifier",
    "AuthCode",
    "Client",
    "ClientRefused",
    "IdentityProvider",
    "InvalidToken",
    "KeyRing",
    "OAuthResult",
    "RefreshRecord",
    "StoredKey",
    "Subject",
    "create_signing_keys",
    "redirect_uri_matches",
]
