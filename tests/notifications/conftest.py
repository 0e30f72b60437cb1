"""The inbox and stream are fed by handling: its fixtures (items, tokens, a database with items) serve here."""

from __future__ import annotations

from tests.handling.conftest import (  # noqa: F401 - fixtures
    citizen,
    department,
    full_catalogue,
    items,
    published,
    settings,
)
from tests.identity.conftest import app, client, oauth_client  # noqa: F401 - fixtures
