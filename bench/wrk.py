"""Run ``wrk`` and parse its report.

wrk rather than Locust: one Locust process tops out below what a single litestar worker serves, so it would
measure itself. wrk's C event loop needs one thread to saturate a worker, which matters on a 2-core machine.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WrkError", "WrkResult", "parse_wrk_output", "require_wrk", "rotation_script", "run_wrk"]


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed something we cannot read."""


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    # Errors make a fast figure meaningless (a 404 is cheap), so they are carried to the report.
    non_2xx_3xx: int = 0
    socket_errors: int = 0

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors


_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.MULTILINE)
_REQUESTS = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)\s*$", re.MULTILINE)
_SOCKET_ERRORS = re.compile(
    r"^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)\s*$", re.MULTILINE
)


def parse_wrk_output(output: str) -> WrkResult:
    """Parse the report of ``wrk --latency`` (needed for the percentile table)."""
    rps = _RPS.search(output)
    requests = _REQUESTS.search(output)
    percentiles = {
        # Rounded: 6.64 ms stays 6.64 rather than 6.640000000000001 in the JSON.
        match[1]: round(float(match[2]) * _TO_MS[match[3]], 6)
        for match in _PERCENTILE.finditer(output)
    }
    if rps is None or requests is None or set(percentiles) != {"50", "99"}:
        raise WrkError(f"unreadable wrk output (was --latency passed?):\n{output}")
    non_2xx = _NON_2XX.search(output)
    sockets = _SOCKET_ERRORS.search(output)
    return WrkResult(
        requests_per_second=float(rps[1]),
        p50_ms=percentiles["50"],
        p99_ms=percentiles["99"],
        requests=int(requests[1]),
        non_2xx_3xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(count) for count in sockets.groups()) if sockets else 0,
    )


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        # No fallback generator on purpose: a slower one would silently measure itself instead of the service.
        raise WrkError("wrk is not installed: apt-get install wrk (or brew install wrk)")
    return path


def rotation_script(paths: Sequence[str], folder: Path) -> Path:
    """A wrk Lua script sending ``paths`` in turn, so each request can be a different URL."""
    quoted = ",\n".join(json.dumps(path) for path in paths)  # JSON strings are valid Lua string literals here
    script = folder / f"rotate-{abs(hash(tuple(paths)))}.lua"
    script.write_text(
        f"local paths = {{\n{quoted}\n}}\nlocal i = 0\n"
        'request = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n',
        encoding="utf-8",
    )
    return script


def run_wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    headers: Iterable[tuple[str, str]] = (),
    wrk: str = "wrk",
    script: Path | None = None,
) -> WrkResult:
    # -t1: generator and server share two cores; a second wrk thread would only steal the server's CPU.
    command = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    for name, value in headers:
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=False)
    except subprocess.TimeoutExpired as exc:
        raise WrkError(f"wrk did not finish within {seconds + 30:.0f} s: {' '.join(command)}") from exc
    if completed.returncode != 0:
        detail = completed.stderr.strip() or completed.stdout
        raise WrkError(f"wrk exited with {completed.returncode}: {detail}")
    return parse_wrk_output(completed.stdout)
