"""HTTP only, by resource: parse, call the ``accounts`` or ``oauth`` service, shape the answer.

The controllers sit above both subpackages (and above ``guards`` and ``state``, which they use), so the
import graph inside identity stays one-way: controllers → guards, state → oauth → accounts.

- ``accounts``: ``/v1/me``, raising the assurance level, agent grants (problem+json answers);
- ``oauth``: the JSON endpoints under ``/oauth`` (RFC 6749 answers); ``sign_in``: the sign-in and
  end-session pages (HTML); ``discovery``: ``/.well-known`` metadata.
"""

from __future__ import annotations

from ishenzhen.identity.controllers.accounts import (
    AgentInvitationsController,
    EnterpriseAgentsController,
    MeController,
    VerificationController,
)
from ishenzhen.identity.controllers.discovery import DiscoveryController
from ishenzhen.identity.controllers.oauth import OAuthController
from ishenzhen.identity.controllers.sign_in import LoginController

__all__ = [
    "AgentInvitationsController",
    "DiscoveryController",
    "EnterpriseAgentsController",
    "LoginController",
    "MeController",
    "OAuthController",
    "VerificationController",
]
