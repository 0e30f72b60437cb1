"""The ./dev entry point: help is success, and Chromium is installed lean, saying so, upgrading nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]
TOOLS = ("bash", "cat", "cut", "dirname", "grep", "tr")


def run_dev(*args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ISHENZHEN_CHROMIUM"}
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        ["bash", str(REPO / "dev"), *args], capture_output=True, text=True, env=env, timeout=30, check=False
    )


@pytest.mark.parametrize("flag", ["--help", "-h", "help"])
def test_help_is_success_on_stdout(flag: str) -> None:
    result = run_dev(flag)
    assert result.returncode == 0 and "./dev serve" in result.stdout


def test_an_unknown_command_is_exit_2_naming_it() -> None:
    result = run_dev("srve")
    assert result.returncode == 2 and "unknown command 'srve'" in result.stderr


def fake_system(tmp_path: Path, simulated: str) -> tuple[str, Path]:
    """A PATH with the few tools ./dev uses, a root `id` and an `apt-get` that logs its calls; no chromium."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    calls = tmp_path / "apt-calls"
    (bin_dir / "id").write_text("#!/bin/bash\necho 0\n")
    (bin_dir / "apt-get").write_text(
        f'#!/bin/bash\necho "$*" >> {calls}\n'
        f'if [[ " $* " == *" -s "* ]]; then cat <<"PLAN"\n{simulated}\nPLAN\nfi\n'
    )
    for script in ("id", "apt-get"):
        (bin_dir / script).chmod(0o755)
    return str(bin_dir), calls


def test_chromium_is_installed_without_recommends_and_says_what_it_does(tmp_path: Path) -> None:
    path, calls = fake_system(
        tmp_path, "Inst chromium-common (1.0 Debian:13)\nInst chromium (1.0 Debian:13)\nConf chromium (1.0)"
    )
    result = run_dev("chromium", path=path)
    assert result.returncode == 0, result.stderr
    assert "2 new packages, nothing upgraded" in result.stderr
    installs = [
        line
        for line in calls.read_text().splitlines()
        if line.startswith("install") and " -s " not in f" {line} "
    ]
    assert installs and all("--no-install-recommends" in line and "--no-upgrade" in line for line in installs)


def test_chromium_is_not_installed_when_that_would_upgrade_installed_packages(tmp_path: Path) -> None:
    path, calls = fake_system(
        tmp_path,
        "Inst libsystemd0 [257.1-1] (257.9-1 Debian:13)\nInst perl [5.40.0-1] (5.40.1-2)\nInst chromium (1.0)",
    )
    result = run_dev("chromium", path=path)
    assert result.returncode == 0
    assert "would upgrade installed packages: libsystemd0 perl" in result.stderr
    assert all(" -s " in f" {line} " for line in calls.read_text().splitlines() if line.startswith("install"))
