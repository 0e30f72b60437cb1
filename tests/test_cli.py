"""The command line as an operator meets it: real processes, real ports, one clear line on failure."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import world_traversable_tmpdir

REPO = Path(__file__).parents[1]


def ishenzhen(
    *args: str, env: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ishenzhen", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**clean_env(), **(env or {})},
        check=False,
    )


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("ISHENZHEN_", "DATABASE_URL"))}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The first start imports all 7,484 items (about 10 s alone, several times that on a loaded machine).
def wait_until_ready(url: str, process: subprocess.Popen[str], deadline_s: float = 120) -> float:
    started = time.monotonic()
    while time.monotonic() - started < deadline_s:
        assert process.poll() is None, (
            f"serve exited early: {process.stdout.read() if process.stdout else ''}"
        )
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # polling readiness with a deadline, not waiting out a race
    raise AssertionError(f"{url} not ready within {deadline_s} s")


@pytest.fixture
def state_dir() -> Iterator[Path]:
    root = world_traversable_tmpdir("ishenzhen-cli-")
    yield root / "state"
    subprocess.run(["rm", "-rf", str(root)], check=False)


def test_serve_runs_the_database_and_the_api_then_stops_cleanly(state_dir: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ishenzhen", "serve", "--port", str(port), "--data-dir", str(state_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=clean_env(),
    )
    try:
        # A first start imports the whole catalogue: ~10 s alone, several times that on a shared machine.
        wait_until_ready(f"http://127.0.0.1:{port}/health/ready", process, deadline_s=120)
        assert (
            httpx.get(f"http://127.0.0.1:{port}/docs/openapi.json").json()["info"]["title"] == "ishenzhen API"
        )
        # The workers see the flags too: the issuer is where the service actually listens.
        discovery = httpx.get(f"http://127.0.0.1:{port}/.well-known/openid-configuration").json()
        assert discovery["issuer"] == f"http://127.0.0.1:{port}"

        second = ishenzhen("serve", "--port", str(free_port()), "--data-dir", str(state_dir))
        assert second.returncode == 2
        assert "is in use by another ishenzhen process" in second.stderr
        assert "Traceback" not in second.stderr

        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert f"http://127.0.0.1:{port}/docs" in output
    # A first start says what takes its time (the database, the catalogue import).
    assert "first start: creating the embedded database" in output
    assert "first start: checking and importing the service catalogue" in output
    assert "embedded_postgres.stopped" in output
    assert not (state_dir / "pgdata" / "postmaster.pid").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://u@127.0.0.1:notaport/db", "malformed URL"),
        ("postgresql://u@127.0.0.1:1/db", "connection refused"),
    ],
)
def test_a_bad_database_url_fails_fast_with_one_line(url: str, message: str) -> None:
    # Fast means without waiting out the connect timeout: set far above what even a loaded machine needs to
    # start Python and give up (a wall-clock bound of a few seconds failed on a busy CI machine).
    connect_timeout = 60
    started = time.monotonic()
    result = ishenzhen(
        "migrate", env={"DATABASE_URL": url, "ISHENZHEN_DB_CONNECT_TIMEOUT": str(connect_timeout)}, timeout=90
    )
    assert result.returncode == 2
    assert time.monotonic() - started < connect_timeout / 2
    assert "timed out" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ishenzhen: cannot connect to the database at ")
    assert message in lines[0]


def test_a_database_that_never_answers_times_out(tmp_path: Path) -> None:
    with socket.socket() as silent:  # accepts connections, never speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        result = ishenzhen(
            "migrate",
            env={"DATABASE_URL": f"postgresql://u@127.0.0.1:{port}/db", "ISHENZHEN_DB_CONNECT_TIMEOUT": "1"},
            timeout=15,
        )
    assert result.returncode == 2
    assert "timed out" in result.stderr


@pytest.mark.parametrize("data_dir", ["/proc/no-such-folder/state", "/dev/null/state"])
def test_an_uncreatable_data_folder_is_one_clear_line(data_dir: str) -> None:
    result = ishenzhen("migrate", "--data-dir", data_dir)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"ishenzhen: cannot create the data folder {data_dir}")


def test_a_bad_setting_stops_start_up_naming_the_variable() -> None:
    result = ishenzhen("serve", env={"ISHENZHEN_WORKERS": "many"})
    assert result.returncode == 2
    assert result.stderr.startswith("ishenzhen: ISHENZHEN_WORKERS: ")


def test_openapi_export_writes_the_committed_document(tmp_path: Path) -> None:
    output = tmp_path / "openapi.json"
    result = ishenzhen("openapi", "export", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert output.read_text(encoding="utf-8") == (REPO / "openapi" / "openapi.json").read_text(
        encoding="utf-8"
    )
    schema = tmp_path / "render-spec-1.schema.json"
    assert schema.read_text(encoding="utf-8") == (REPO / "openapi" / schema.name).read_text(encoding="utf-8")


def test_serve_on_a_port_another_server_holds_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = ishenzhen("serve", "--port", str(port), "--data-dir", str(tmp_path / "unused"))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port} is already in use" in lines[0], result.stderr
    assert not (tmp_path / "unused").exists()  # refused before any database was started


def test_production_serve_without_a_key_encryption_key_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {"ISHENZHEN_ENVIRONMENT": "production", "ISHENZHEN_IDENTITY_ISSUER": "https://id.example"}
    result = ishenzhen("serve", "--port", str(free_port()), "--data-dir", str(tmp_path / "unused"), env=env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "ISHENZHEN_IDENTITY_KEY_ENCRYPTION_KEY" in lines[0], result.stderr
    assert not (tmp_path / "unused").exists()


def test_a_first_start_on_a_missing_catalogue_stops_with_one_line_and_imports_nothing() -> None:
    # The first start's import runs in a child process; its refusal must still reach the operator as one line.
    root = world_traversable_tmpdir("ishenzhen-cli-catalogue-")
    try:
        missing = root / "no-catalogue"
        result = ishenzhen(
            "serve",
            "--port",
            str(free_port()),
            "--data-dir",
            str(root / "state"),
            env={"ISHENZHEN_CATALOG_DIR": str(missing), "ISHENZHEN_DEPARTMENTS_SIMULATORS": "0"},
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert f"ishenzhen: {missing}: no such catalogue folder" in result.stderr.splitlines(), result.stderr
    finally:
        subprocess.run(["rm", "-rf", str(root)], check=False)
