"""Helper processes on loopback: a free port to give one, and waiting until its health URL answers 200.

Development ``serve`` (the data-platform simulator), the fault tests (a gateway as a process) and the
benchmarks all start a child on a port of its own and wait for it; one copy keeps the polling, deadline and
"it died: here is what it printed" behaviour the same everywhere. It lives in the gateway's ``lib`` because
``serve`` needs it and the gateway never imports the simulators' package.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx

__all__ = ["ProcessNotReady", "free_port", "output_tail", "wait_until_healthy"]

_POLL_S = 0.05


class ProcessNotReady(RuntimeError):
    """The child exited, or its health URL did not answer 200 in time; the message says which and why."""


def free_port(host: str = "127.0.0.1") -> int:
    # Racy in theory (another process may take it before the child binds); a clash shows in the child's output.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def output_tail(path: Path, characters: int = 2000) -> str:
    """The end of a child's captured output file ("(no output)" when it printed nothing)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no output)"
    return text[-characters:].strip() or "(no output)"


def wait_until_healthy(
    url: str,
    process: subprocess.Popen[bytes],
    *,
    within: float = 60.0,
    name: str = "the process",
    printed: Callable[[], str] = lambda: "",
) -> float:
    """Poll ``url`` until it answers 200; the seconds waited. ``printed`` gives the child's output for errors."""
    started = time.monotonic()
    while True:
        if process.poll() is not None:
            raise ProcessNotReady(f"{name} exited with {process.returncode} before ready: {printed()}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass  # refused while it starts
        if time.monotonic() - started > within:
            raise ProcessNotReady(f"{name} did not answer 200 on {url} within {within:.0f} s: {printed()}")
        time.sleep(_POLL_S)  # polling a process we started, with a deadline
