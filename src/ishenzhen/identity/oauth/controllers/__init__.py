"""HTTP only, by resource: the JSON endpoints, the sign-in pages, discovery."""

from __future__ import annotations

from ishenzhen.identity.oauth.controllers.discovery import DiscoveryController
from ishenzhen.identity.oauth.controllers.endpoints import OAuthController
from ishenzhen.identity.oauth.controllers.sign_in import LoginController

__all__ = ["DiscoveryController", "LoginController", "OAuthController"]
