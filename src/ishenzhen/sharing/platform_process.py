"""Development: the city data-sharing platform's stand-in as its own process, started beside the gateway.

``ishenzhen serve`` (development) runs ``python -m ishenzhen_simulators.data_platform`` on a free loopback port
and points the gateway's sharing client at it, so instant approval, the licence wallet and prefill work on the
embedded defaults. The gateway never imports the simulator: it is another process, spoken to over HTTP only.
"""

from __future__ import annotations

import subprocess
import sys

from ishenzhen.lib.local_process import ProcessNotReady, free_port, wait_until_healthy

__all__ = ["PlatformProcess", "PlatformProcessError"]

_READY_SECONDS = 60.0


class PlatformProcessError(RuntimeError):
    """The data-platform simulator did not start; the message says what it printed."""


class PlatformProcess:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def spawn(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "ishenzhen_simulators.data_platform",
                "--host",
                self.host,
                "--port",
                str(self.port),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait_ready(self, within: float = _READY_SECONDS) -> None:
        assert self.process is not None, "spawn() first"
        process = self.process

        def printed() -> str:
            # Read only once it has exited: reading a live child's pipe would block.
            if process.poll() is None or process.stderr is None:
                return ""
            return process.stderr.read().decode(errors="replace")[-1000:]

        try:
            wait_until_healthy(
                f"{self.url}/health",
                process,
                within=within,
                name="the data-platform simulator",
                printed=printed,
            )
        except ProcessNotReady as exc:
            self.stop()
            raise PlatformProcessError(str(exc)) from None

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
