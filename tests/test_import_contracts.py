"""The house's own import-linter contract: a ``_private`` module is its package's own."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

from tests.import_contracts import PrivateModulesContract

PACKAGE = "housetest"


@pytest.fixture
def package(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / PACKAGE
    files = {
        "__init__.py": "",
        "catalog/__init__.py": "",
        "catalog/_search.py": "",
        "catalog/service.py": "from housetest.catalog import _search\n",
        "catalog/search/__init__.py": "",
        "catalog/search/engine.py": "from housetest.catalog import _search\n",
        "identity/__init__.py": "",
        "identity/_http.py": "",
        "identity/__main__.py": "",
        "screens/__init__.py": "",
        "screens/items.py": "import housetest.identity.__main__\nfrom housetest.identity import _http\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        yield root
    finally:
        sys.path.remove(str(tmp_path))


def _check(ignore: set[str] | None = None) -> list[dict[str, object]]:
    options: dict[str, object] = {"containers": [PACKAGE]}
    if ignore is not None:
        options["ignore_imports"] = sorted(ignore)
    contract = PrivateModulesContract("private", {}, options)
    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    result = contract.check(graph, verbose=False)
    assert result.kept is not bool(result.metadata["violations"])
    return result.metadata["violations"]  # type: ignore[no-any-return]  # metadata is an untyped dict


def test_only_another_packages_import_of_a_private_module_breaks_it(package: Path) -> None:
    # catalog's own modules and subpackages may use catalog._search; dunder modules are not private.
    assert _check() == [
        {"importer": "housetest.screens.items", "imported": "housetest.identity._http", "lines": [2]}
    ]


def test_a_deliberate_import_can_be_ignored_by_name(package: Path) -> None:
    assert _check({"housetest.screens.items -> housetest.identity._http"}) == []
