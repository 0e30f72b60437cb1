"""The real catalogue, read once per session (the default specs are proved over all 7,484 items)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ishenzhen.catalog.model import Catalog
from ishenzhen.catalog.source._loading import read_catalog
from ishenzhen.ui.checks import SpecReferences

CATALOG_DIR = Path(__file__).parents[2] / "services_catalog"


@pytest.fixture(scope="session")
def catalogue() -> Catalog:
    return read_catalog(CATALOG_DIR).catalog


@pytest.fixture(scope="session")
def refs(catalogue: Catalog) -> SpecReferences:
    return SpecReferences(
        e_licence_types=frozenset(e.code for e in catalogue.e_licence_types),
        districts=frozenset(d.code for d in catalogue.districts),
    )
