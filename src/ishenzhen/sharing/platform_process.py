"""Development: the city data-sharing platform's stand-in as its own process, started beside the gateway.

``ishenzhen serve`` (development) runs ``python -m ishenzhen_simulators.data_platform`` on a free loopback port
and points the gateway's sharing client at it, so instant approval, the licence wallet and prefill work on the
embedded defaults. The gateway never imports the simulator: it is another process, spoken to over HTTP only.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

__all__ = ["PlatformProcess", "PlatformProcessError"]

_READY_SECONDS = 60.0


class PlatformProcessError(RuntimeError):
    """The data-platform simulator did not start; the message says what it printed."""


class PlatformProcess:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port or _free_port(host)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def spawn(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "ishenzhen_simulators.data_platform", "--host", self.host,
             "--port", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

    def wait_ready(self, within: float = _READY_SECONDS) -> None:
        assert self.process is not None, "spawn() first"
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                printed = (
                    self.process.stderr.read().decode(errors="replace")[-1000:] if self.process.stderr else ""
                )
                raise PlatformProcessError(
                    f"the data-platform simulator exited ({self.process.returncode}): {printed}"
                )
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)  # polling a process we started, with a deadline
        self.stop()
        raise PlatformProcessError(
            f"the data-platform simulator did not answer on {self.url} within {within:.0f} s"
        )

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
