"""The app as the identity tests run it (issuer https://testserver.local), for endpoints behind a bearer token."""

from tests.identity.conftest import app, client, oauth_client, settings

__all__ = ["app", "client", "oauth_client", "settings"]
