"""Start the real service as a subprocess, wait until it is ready, stop it: the way an operator runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ishenzhen.lib.local_process import free_port

__all__ = [
    "GRANIAN_LOOP",
    "RunningService",
    "ServiceError",
    "bare_reference_command",
    "free_port",
    "running_bare_reference",
    "running_service",
    "service_command",
    "service_env",
]

READY_PATH = "/health/ready"
BARE_READY_PATH = "/bench/reference"
# The service's granian settings (``ishenzhen serve``), repeated for the bare reference so both run alike:
# one worker, the ASGI interface, granian's automatic loop choice (uvloop when installed), the same backlog.
GRANIAN_LOOP = "auto"
GRANIAN_BACKLOG = 2048
_REPOSITORY = Path(__file__).resolve().parent.parent
_POLL_INTERVAL_S = 0.02  # the resolution of the start-up figures
_STOP_GRACE_S = 20.0


class ServiceError(RuntimeError):
    """The service did not start, or did not become ready in time; the message carries its log tail."""


@dataclass(frozen=True, slots=True)
class RunningService:
    base_url: str
    # From spawning the process to the first 200 from /health/ready: what an operator waits for.
    seconds_to_ready: float
    log_path: Path
    pid: int = 0

    def worker_rss_mib(self) -> float | None:
        """Largest resident size among the service's worker processes, in MiB (see ``_worker_pids``)."""
        return max(
            (_kib(pid, "/proc/{}/status", ("VmRSS:",)) / 1024 for pid in self._worker_pids()), default=None
        )

    def worker_private_mib(self) -> float | None:
        """Largest memory of a worker's own (private clean + dirty pages), in MiB: what one more worker costs.
        A forked worker's resident size also counts pages it still shares with the process it was forked from."""
        fields = ("Private_Clean:", "Private_Dirty:")
        sizes = [_kib(pid, "/proc/{}/smaps_rollup", fields) / 1024 for pid in self._worker_pids()]
        return max(sizes, default=None)

    def _worker_pids(self) -> list[int]:
        """The service's descendant processes but PostgreSQL's (whose backends count shared buffers): granian's
        workers and its main process."""
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        pending, found = list(children.get(self.pid, [])), []
        while pending:
            pid = pending.pop()
            pending.extend(children.get(pid, []))
            try:
                name = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            if name != "postgres":
                found.append(pid)
        return found


def _kib(pid: int, template: str, fields: tuple[str, ...]) -> int:
    """The sum of ``fields`` (lines "Name:  1234 kB") in the /proc file ``template`` of ``pid``; 0 when gone."""
    try:
        lines = Path(template.format(pid)).read_text().splitlines()
    except OSError:
        return 0
    return sum(int(line.split()[1]) for line in lines if line.startswith(fields))


def service_command(port: int, data_dir: Path) -> list[str]:
    # The console script next to our interpreter: the installed entry point, as `./dev serve` runs it.
    script = Path(sys.executable).with_name("ishenzhen")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "ishenzhen"]
    return [*launcher, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]


def pinned(command: list[str], cpus: str | None) -> list[str]:
    """``command`` run on the CPUs ``cpus`` (taskset's list syntax, e.g. "0") when given."""
    return ["taskset", "--cpu-list", cpus, *command] if cpus else command


def bare_reference_command(port: int, workers: int = 1) -> list[str]:
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        GRANIAN_LOOP,
        "--backlog",
        str(GRANIAN_BACKLOG),
        "--no-log",
        "bench.bare_app:create_bare_app",
    ]


def service_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    # The caller's ISHENZHEN_* and DATABASE_URL are dropped so a figure does not depend on someone's shell
    # (an external DATABASE_URL would also skip the embedded start we time).
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISHENZHEN_") and k != "DATABASE_URL"}
    env.update(
        ISHENZHEN_ENABLE_BENCH_ROUTES="1",  # mounts /bench/reference
        ISHENZHEN_WORKERS="1",  # one worker: ratios compare handlers, not how granian spreads load
        ISHENZHEN_ACCESS_LOG="1",  # measured with the access event on, as it runs in service
        # Production renders JSON lines; development's console renderer costs more per line and is not what
        # runs in service. (Production mode itself refuses the bench routes, so only its log format is used.)
        ISHENZHEN_LOG_FORMAT="json",
        # The department simulators are started only by the benchmarks that use them, on free ports.
        ISHENZHEN_DEPARTMENTS_SIMULATORS="0",
        ISHENZHEN_DEPARTMENTS_SIMULATOR_PORT="0",
        # Load runs apply from a handful of seeded accounts, far above a citizen's fair share; the limit itself
        # is tested in tests/handling/test_submit_limit.py. A run that wants it passes its own values in extra.
        ISHENZHEN_HANDLING_SUBMIT_BURST="10000000",
        ISHENZHEN_HANDLING_SUBMIT_RATE_PER_HOUR="10000000",
    )
    env.update(extra or {})
    return env


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _is_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:  # noqa: S310 - loopback http URL we built
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):  # refused while starting, 503 until the database answers
        return False


def _wait_ready(
    process: subprocess.Popen[bytes], url: str, started: float, deadline_s: float, log: Path
) -> float:
    while True:
        if _is_ready(url):
            return time.perf_counter() - started
        if process.poll() is not None:
            raise ServiceError(
                f"the service exited with {process.returncode} before ready; log tail:\n{_log_tail(log)}"
            )
        if time.perf_counter() - started > deadline_s:
            raise ServiceError(f"{url} not 200 within {deadline_s:.0f} s; log tail:\n{_log_tail(log)}")
        time.sleep(_POLL_INTERVAL_S)


def _stop(process: subprocess.Popen[bytes], log: Path) -> None:
    if process.poll() is not None:
        return
    # SIGINT is Ctrl-C: the service stops granian, then its embedded PostgreSQL, cleanly.
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=_STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        # Its own session (start_new_session) holds the service and granian's workers: kill them together.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
        print(f"bench: service ignored SIGINT for {_STOP_GRACE_S:.0f} s, killed; log: {log}", file=sys.stderr)


@contextmanager
def running_service(
    data_dir: Path,
    log_path: Path,
    *,
    ready_deadline_s: float = 60.0,
    extra_env: Mapping[str, str] | None = None,
    cpus: str | None = None,
) -> Iterator[RunningService]:
    """The service on a free loopback port, ready; stopped (SIGINT, then SIGKILL) when the block ends."""
    port = free_port()
    with _running(
        pinned(service_command(port, data_dir), cpus),
        service_env(extra_env),
        port,
        READY_PATH,
        log_path,
        ready_deadline_s,
    ) as service:
        yield service


@contextmanager
def running_bare_reference(
    log_path: Path, *, ready_deadline_s: float = 30.0, cpus: str | None = None, workers: int = 1
) -> Iterator[RunningService]:
    """The bare litestar hello (``bench.bare_app``) in its own granian process, with as many workers as the
    service it is compared with."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ISHENZHEN_", "GRANIAN_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_REPOSITORY), env.get("PYTHONPATH")]))
    command = pinned(bare_reference_command(port, workers), cpus)
    with _running(command, env, port, BARE_READY_PATH, log_path, ready_deadline_s) as service:
        yield service


@contextmanager
def _running(
    command: list[str], env: dict[str, str], port: int, ready_path: str, log_path: Path, deadline_s: float
) -> Iterator[RunningService]:
    base_url = f"http://127.0.0.1:{port}"
    # A file, not a pipe: a pipe nobody reads fills up and blocks the service's access log mid-benchmark.
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=_REPOSITORY,
            # Own session: a Ctrl-C at the terminal reaches only us, and we stop the service in order.
            start_new_session=True,
        )
        try:
            seconds = _wait_ready(process, base_url + ready_path, started, deadline_s, log_path)
            yield RunningService(
                base_url=base_url, seconds_to_ready=seconds, log_path=log_path, pid=process.pid
            )
        finally:
            _stop(process, log_path)
