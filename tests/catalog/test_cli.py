"""``ishenzhen catalog import`` as an operator runs it: every problem reported, nothing half-imported."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import asyncpg

from tests.catalog.conftest import CATALOG_DIR
from tests.test_cli import ishenzhen


async def item_count(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM catalog_items"))
    finally:
        await connection.close()


def broken_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "services_catalog"
    shutil.copytree(CATALOG_DIR, copy)
    items = copy / "items" / "market-regulation.yaml"
    text = items.read_text(encoding="utf-8")
    text = text.replace("  item_type: licence\n", "  item_type: bribe\n", 1)
    text = text.replace("  promised_days: 1\n", "  promised_days: 999\n", 1)
    items.write_text(text, encoding="utf-8")
    return copy


async def test_a_broken_catalogue_reports_every_problem_and_imports_nothing(
    empty_database_url: str, tmp_path: Path
) -> None:
    result = ishenzhen(
        "catalog", "import", str(broken_copy(tmp_path)), env={"DATABASE_URL": empty_database_url}
    )
    assert result.returncode == 2, result.stderr
    problems = [line for line in result.stderr.splitlines() if re.match(r"^\S+\.yaml:\d+: ", line)]
    assert any("item_type" in line and "bribe" in line for line in problems), result.stderr
    assert any("promised_days" in line for line in problems), result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("ishenzhen: ")
    assert "nothing was imported" in result.stderr
    assert await item_count(empty_database_url) == 0


async def test_import_is_idempotent(empty_database_url: str) -> None:
    first = ishenzhen(
        "catalog", "import", str(CATALOG_DIR), env={"DATABASE_URL": empty_database_url}, timeout=120
    )
    assert first.returncode == 0, first.stderr
    assert "7484 added, 0 changed, 0 unchanged, 0 withdrawn" in first.stderr
    second = ishenzhen(
        "catalog", "import", str(CATALOG_DIR), env={"DATABASE_URL": empty_database_url}, timeout=120
    )
    assert second.returncode == 0, second.stderr
    assert "catalogue unchanged: all 7484 items already up to date" in second.stderr
    assert await item_count(empty_database_url) == 7484


def test_validate_reports_a_clean_catalogue() -> None:
    result = ishenzhen("catalog", "validate", str(CATALOG_DIR), timeout=120)
    assert result.returncode == 0, result.stderr
    assert "7484 items, no problems" in result.stderr
