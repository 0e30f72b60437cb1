"""``ishenzhen serve`` in development starts the department simulators, seeds their clients, stops them all."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from ishenzhen.departments import DepartmentClient, DepartmentDirectory
from tests.conftest import cloned_database, world_traversable_tmpdir
from tests.departments.factories import submission
from tests.test_cli import free_port


@pytest.fixture
async def serve_database_url(pg_admin_url: str, template_database: str) -> AsyncIterator[str]:
    async with cloned_database(pg_admin_url, template_database, "test_serve") as url:
        yield url


async def _deliver_once(directory: DepartmentDirectory) -> str:
    client = DepartmentClient(directory)
    try:
        return (await client.deliver(submission("civil-affairs"))).outcome
    finally:
        await client.aclose()


def _ready(url: str, process: subprocess.Popen[str], log: Path, deadline_s: float = 120) -> None:
    started = time.monotonic()
    while True:
        assert process.poll() is None, f"serve exited early:\n{log.read_text()}"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() - started < deadline_s, f"not ready:\n{log.read_text()}"
        time.sleep(0.1)  # polling readiness with a deadline


def test_serve_runs_the_simulators_with_working_clients_and_stops_them(serve_database_url: str) -> None:
    root = world_traversable_tmpdir("ishenzhen-serve-departments-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ISHENZHEN_", "DATABASE_URL"))}
    env |= {
        "DATABASE_URL": serve_database_url,
        "ISHENZHEN_DATA_DIR": str(root),
        "ISHENZHEN_LOG_LEVEL": "warning",
        "ISHENZHEN_DEPARTMENTS_SIMULATOR_PORT": "0",
        "ISHENZHEN_WORKERS": "1",
    }
    log = root / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "ishenzhen", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        _ready(f"http://127.0.0.1:{port}/health/ready", process, log)
        printed = log.read_text()
        assert "Department simulators (68 departments" in printed
        for name in (
            "public-security",
            "market-regulation",
            "human-resources",
            "transport",
            "civil-affairs",
            "generic",
        ):
            assert name in printed
        folder = root / "departments"
        directory = DepartmentDirectory.from_file(
            folder / f"departments-{port}.json", allowed_origins=["http://127.0.0.1"]
        )
        assert len(directory) == 68 and all(directory.state(entry.slug) == "ready" for entry in directory)
        assert asyncio.run(_deliver_once(directory)) == "delivered"
        # The simulated department's own client gets a token from the real token endpoint.
        secret = json.loads((folder / "department-keys.json").read_text())["civil-affairs"]["client_secret"]
        token = httpx.post(
            f"http://127.0.0.1:{port}/oauth/token",
            auth=("dept-civil-affairs-system", secret),
            data={"grant_type": "client_credentials", "scope": "applications:update registry:write"},
            timeout=10,
        )
        assert token.status_code == 200, token.text
        simulator_urls = {urlish.rsplit("/", 1)[0] for urlish in (e.base_url or "" for e in directory)}
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, log.read_text()
    for url in simulator_urls:  # Ctrl-C stopped every simulator too
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{url}/_health", timeout=2)
    subprocess.run(["rm", "-rf", str(root)], check=False)
