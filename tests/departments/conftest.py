"""The gateway with its directory pointing at the session's simulators, and real access tokens."""

from __future__ import annotations

import pytest

from ishenzhen.settings import Settings, load_settings
from tests.identity.conftest import ISSUER, app, client, oauth_client  # noqa: F401 - fixtures
from tests.simulators_fixture import Simulators


@pytest.fixture
def settings(database_url: str, simulators: Simulators) -> Settings:
    return load_settings(
        {},
        database_url=database_url,
        log_format="json",
        log_level="warning",
        identity_issuer=ISSUER,
        identity_key_refresh_seconds=0,
        departments_directory_file=str(simulators.directory_file),
    )
