"""Fuzzing fixtures: the handling tests' database (real catalogue items) and their real tokens."""

from tests.handling.conftest import (  # noqa: F401
    citizen,
    department,
    full_catalogue,
    items,
    published,
    settings,
)
from tests.identity.conftest import app, client, oauth_client  # noqa: F401
