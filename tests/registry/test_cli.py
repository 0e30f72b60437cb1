"""``ishenzhen registry export``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ishenzhen.cli import main
from tests.registry.conftest import CATALOG_DIR


async def test_export_writes_the_department_file(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    command = ["registry", "export", "--department", "audit", "--out", str(tmp_path)]
    assert await asyncio.to_thread(main, command) == 0
    written = tmp_path / "items" / "audit.yaml"
    assert written.read_bytes() == (CATALOG_DIR / "items" / "audit.yaml").read_bytes()
    unknown = ["registry", "export", "--department", "nowhere", "--out", str(tmp_path)]
    assert await asyncio.to_thread(main, unknown) == 2
    assert "no department has the code 'nowhere'" in capsys.readouterr().err
