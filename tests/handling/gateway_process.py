"""A gateway as a real process (``ishenzhen serve`` under granian) on a given database, for fault tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from ishenzhen.lib.local_process import ProcessNotReady, free_port, output_tail, wait_until_healthy
from tests.handling.helpers import UNLIMITED_SUBMITS
from tests.identity.conftest import ISSUER

SERVE = [sys.executable, "-m", "ishenzhen", "serve"]


class GatewayProcess:
    def __init__(
        self, database_url: str, directory_file: Path | None, log_file: Path, **settings: str
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_file = log_file
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "ISHENZHEN_IDENTITY_ISSUER": ISSUER,
            "ISHENZHEN_DEPARTMENTS_SIMULATORS": "false",
            "ISHENZHEN_LOG_FORMAT": "json",
            "ISHENZHEN_LOG_LEVEL": "warning",
            "ISHENZHEN_ACCESS_LOG": "false",
            # Fault tests send bursts from one citizen; the submit limit has tests of its own.
            "ISHENZHEN_HANDLING_SUBMIT_BURST": str(UNLIMITED_SUBMITS),
            "ISHENZHEN_HANDLING_SUBMIT_RATE_PER_HOUR": str(UNLIMITED_SUBMITS),
            **({"ISHENZHEN_DEPARTMENTS_DIRECTORY_FILE": str(directory_file)} if directory_file else {}),
            **{f"ISHENZHEN_{name.upper()}": value for name, value in settings.items()},
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, within: float = 60.0) -> None:
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [*SERVE, "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until_healthy(
                f"{self.url}/health/live",
                self.process,
                within=within,
                name="the gateway",
                printed=lambda: output_tail(self.log_file),
            )
        except ProcessNotReady as exc:
            raise AssertionError(str(exc)) from None

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
