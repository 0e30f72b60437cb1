"""Identity: citizens' accounts, assurance levels, enterprises and agents (``accounts``), and the OAuth 2.1 /
OpenID Connect provider (``oauth``).

This module is the public surface for other domains; use these names, never the subpackages' modules:

- protecting a route: ``opt=requires("applications:submit")`` on the handler, ``enforce_bearer`` as the app's
  before-request hook, and ``provide_principal`` as the dependency that hands the handler its ``Principal``
  (``authenticate`` verifies a bearer token where a route is public but answers more to a signed-in caller);
- what a caller is: ``Principal`` (the verified token) and ``caller_profile`` (the account's details for
  prefill, as far as the token's scopes allow; ``SubjectGone`` when the account no longer exists);
- the vocabulary: ``SCOPES``, ``ACR_VALUES``, ``AGENT_SCOPES``, ``MIN_LEVEL``, ``level_of``, ``min_level_for``;
- signing what the gateway issues (approval results): ``sign_document`` with the published keys;
- wiring (``app``/``cli`` only): ``IdentityState`` and ``identity_lifespan``.
"""

from __future__ import annotations

from ishenzhen.identity.accounts.models import Party
from ishenzhen.identity.accounts.service import CallerProfile, SubjectGone, caller_profile
from ishenzhen.identity.documents import RESULT_TYPE, sign_document
from ishenzhen.identity.guards import (
    BEARER_OPT,
    BearerRequirement,
    Principal,
    authenticate,
    enforce_bearer,
    provide_principal,
    requires,
)
from ishenzhen.identity.scopes import ACR_VALUES, AGENT_SCOPES, MIN_LEVEL, SCOPES, level_of, min_level_for
from ishenzhen.identity.state import IdentityState, identity_lifespan

__all__ = [
    "ACR_VALUES",
    "AGENT_SCOPES",
    "BEARER_OPT",
    "MIN_LEVEL",
    "RESULT_TYPE",
    "SCOPES",
    "BearerRequirement",
    "CallerProfile",
    "IdentityState",
    "Party",
    "Principal",
    "SubjectGone",
    "authenticate",
    "caller_profile",
    "enforce_bearer",
    "identity_lifespan",
    "level_of",
    "min_level_for",
    "provide_principal",
    "requires",
    "sign_document",
]
