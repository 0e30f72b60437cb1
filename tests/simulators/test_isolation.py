"""The simulators stay outside the gateway: neither package imports the other; they meet only over HTTP."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def imported_modules(package: str) -> set[str]:
    found = set()
    for path in (SRC / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_the_gateway_never_imports_the_simulators() -> None:
    assert "ishenzhen_simulators" not in imported_modules("ishenzhen")


def test_the_simulators_never_import_the_gateway() -> None:
    assert "ishenzhen" not in imported_modules("ishenzhen_simulators")


def test_building_the_app_loads_no_simulator_code() -> None:
    probe = "import sys, ishenzhen.app, ishenzhen.cli; print(any(m.startswith('ishenzhen_simulators') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
