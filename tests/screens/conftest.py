"""Screens tests: the real catalogue (``catalog_client``, read-only, per session) for what screens show, and
the identity fixtures (the app on its issuer URL, authlib's client) for signed-in callers with real tokens."""

from tests.catalog.conftest import catalog_client, catalog_database_url, real_catalog
from tests.identity.conftest import app, client, oauth_client, settings

__all__ = [
    "app",
    "catalog_client",
    "catalog_database_url",
    "client",
    "oauth_client",
    "real_catalog",
    "settings",
]
