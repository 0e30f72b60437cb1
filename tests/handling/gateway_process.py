"""A gateway as a real process (``ishenzhen serve`` under granian) on a given database, for fault tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.identity.conftest import ISSUER

SERVE = [sys.executable, "-m", "ishenzhen", "serve"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class GatewayProcess:
    def __init__(
        self, database_url: str, directory_file: Path | None, log_file: Path, **settings: str
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_file = log_file
        self.env = {
            **os.environ, "DATABASE_URL": database_url, "ISHENZHEN_IDENTITY_ISSUER": ISSUER,
            "ISHENZHEN_DEPARTMENTS_SIMULATORS": "false", "ISHENZHEN_LOG_FORMAT": "json",
            "ISHENZHEN_LOG_LEVEL": "warning", "ISHENZHEN_ACCESS_LOG": "false",
            **({"ISHENZHEN_DEPARTMENTS_DIRECTORY_FILE": str(directory_file)} if directory_file else {}),
            **{f"ISHENZHEN_{name.upper()}": value for name, value in settings.items()},
        }  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, within: float = 60.0) -> None:
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [*SERVE, "--port", str(self.port)], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the gateway exited: {self.log_file.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health/live", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("the gateway did not start in time")

    def kill(self) -> None:
        """SIGKILL the whole process group (granian and its workers): no shutdown code runs."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
