"""Starting the department simulators as processes, and the configuration both sides need (development).

``SimulatorFleet`` is how ``ishenzhen serve`` (development), the tests, the benchmarks and the Locust runs start
the simulators the same way: it makes one Ed25519 key pair per direction per department and a client secret
per department, writes the simulators' file (their keys and secrets) and, once they listen, the gateway's
directory file (base URLs, our keys). The simulators run as ``python -m ishenzhen_simulators``: the gateway
never imports them.
"""

from __future__ import annotations

import json
import os
import secrets
import select
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

__all__ = [
    "IN_DEPTH",
    "QUERIES",
    "DepartmentClientSecret",
    "FleetError",
    "SimulatorFleet",
    "catalog_departments",
    "department_client_id",
]

# Simulated in depth, each in its own process; every other department shares the generic process.
IN_DEPTH = ("public-security", "market-regulation", "human-resources", "transport", "civil-affairs")
GENERIC_PROCESS = "generic"
# The allow-listed pass-through queries and the departments that answer them.
QUERIES: dict[str, dict[str, dict[str, Any]]] = {
    "human-resources": {
        "social-insurance-contributions": {
            "path": "/queries/social-insurance-contributions",
            "params": ["months"],
        }
    },
    "housing-provident-fund": {"housing-fund-balance": {"path": "/queries/housing-fund-balance"}},
    "traffic-police": {"vehicle-violations": {"path": "/queries/vehicle-violations", "params": ["plate"]}},
    "market-regulation": {
        "business-registration-status": {
            "path": "/queries/business-registration-status",
            "params": ["credit_code"],
        }
    },
}
_READY_SECONDS = 30.0


class FleetError(RuntimeError):
    """A simulator did not start; the message says which and what it printed."""


@dataclass(frozen=True)
class DepartmentClientSecret:
    slug: str
    name: str
    client_id: str
    secret: str


def catalog_departments(catalog_dir: Path) -> list[tuple[str, str]]:
    """(slug, name) of every department in the catalogue's source folder."""
    document = yaml.safe_load((catalog_dir / "departments.yaml").read_text(encoding="utf-8"))
    return [(str(entry["slug"]), str(entry["name"])) for entry in document["departments"]]


def department_client_id(slug: str) -> str:
    """The OAuth client a department's (simulated) system calls the gateway back with."""
    return f"dept-{slug}-system"


def _pem_private(key: ed25519.Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _pem_public(key: ed25519.Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@dataclass
class SimulatorFleet:
    """The simulators of ``departments`` ((slug, name) pairs), with their files in ``folder``.

    Keys and secrets are kept in ``folder/department-keys.json`` and reused on the next start, so the
    secrets seeded into a development database stay valid across restarts.
    """

    folder: Path
    departments: list[tuple[str, str]]
    gateway_url: str
    host: str = "127.0.0.1"
    base_port: int = 0
    pace_seconds: float = 2.0
    log_level: str = "warning"
    # Several runs may share a folder (two `serve`s on one data folder with an external database, parallel test
    # runs): each run's own files carry this name; the keys file is shared and only ever grows.
    run_name: str = ""
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    _key_cache: dict[str, dict[str, str]] | None = field(default=None, repr=False)

    @property
    def simulator_file(self) -> Path:
        return self.folder / f"simulators{'-' + self.run_name if self.run_name else ''}.json"

    @property
    def directory_file(self) -> Path:
        return self.folder / f"departments{'-' + self.run_name if self.run_name else ''}.json"

    def _layout(self) -> dict[str, list[str]]:
        slugs = [slug for slug, _ in self.departments]
        layout = {slug: [slug] for slug in IN_DEPTH if slug in slugs}
        rest = [slug for slug in slugs if slug not in layout]
        if rest:
            layout[GENERIC_PROCESS] = rest
        return layout

    def _keys(self) -> dict[str, dict[str, str]]:
        # Read once per fleet: the secrets seeded and the keys given to the simulators must be the same set,
        # even if another run rewrites the shared file meanwhile.
        if self._key_cache is not None:
            return self._key_cache
        path = self.folder / "department-keys.json"
        known: dict[str, dict[str, str]] = json.loads(path.read_text()) if path.exists() else {}
        changed = False
        for slug, _ in self.departments:
            if slug not in known:
                gateway, department = (
                    ed25519.Ed25519PrivateKey.generate(),
                    ed25519.Ed25519PrivateKey.generate(),
                )
                stamp = time.strftime("%Y%m%d")
                known[slug] = {
                    "gateway_key_id": f"ishenzhen-gateway-{slug}-{stamp}",
                    "gateway_private": _pem_private(gateway),
                    "gateway_public": _pem_public(gateway),
                    "department_key_id": f"{slug}-{stamp}",
                    "department_private": _pem_private(department),
                    "department_public": _pem_public(department),
                    "client_secret": secrets.token_urlsafe(24),
                }
                changed = True
        if changed:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_private(path, json.dumps(known, indent=1))
        self._key_cache = known
        return known

    def client_secrets(self) -> list[DepartmentClientSecret]:
        keys = self._keys()
        return [
            DepartmentClientSecret(slug, name, department_client_id(slug), keys[slug]["client_secret"])
            for slug, name in self.departments
        ]

    def start(self) -> None:
        """Write the simulators' file, start every process, wait until each listens, write the directory."""
        self.spawn()
        self.finish()

    def spawn(self) -> None:
        """Write the simulators' file and start every process (without waiting for them)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        keys = self._keys()
        layout = self._layout()
        names = dict(self.departments)
        config = {
            "gateway_url": self.gateway_url,
            "pace_seconds": self.pace_seconds,
            "departments": [
                {
                    "slug": slug,
                    "name": names[slug],
                    "client_id": department_client_id(slug),
                    "client_secret": keys[slug]["client_secret"],
                    "gateway_key_id": keys[slug]["gateway_key_id"],
                    "gateway_public_key_pem": keys[slug]["gateway_public"],
                    "key_id": keys[slug]["department_key_id"],
                    "private_key_pem": keys[slug]["department_private"],
                }
                for slug, _ in self.departments
            ],
            "processes": [
                {"name": name, "departments": slugs, "port": self.base_port + index if self.base_port else 0}
                for index, (name, slugs) in enumerate(layout.items())
            ],
        }
        _write_private(self.simulator_file, json.dumps(config, ensure_ascii=False, indent=1))
        try:
            for name in layout:
                self.processes[name] = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                    [
                        sys.executable,
                        "-m",
                        "ishenzhen_simulators",
                        "--config",
                        str(self.simulator_file),
                        "--process",
                        name,
                        "--host",
                        self.host,
                        "--log-level",
                        self.log_level,
                    ],
                    stdout=subprocess.PIPE,
                    stdin=subprocess.DEVNULL,
                )
        except BaseException:
            self.stop()
            raise

    def finish(self) -> None:
        """Wait until every spawned process listens, then write the gateway's directory file."""
        keys = self._keys()
        layout = self._layout()
        names = dict(self.departments)
        try:
            for name, process in self.processes.items():
                self.ports[name] = _await_ready(name, process)
        except BaseException:
            self.stop()
            raise
        directory = {
            "departments": [
                {
                    "slug": slug,
                    "name": names[slug],
                    "base_url": f"http://{self.host}:{self.ports[process]}/{slug}",
                    "signing_key_id": keys[slug]["gateway_key_id"],
                    "signing_key_pem": keys[slug]["gateway_private"],
                    "answer_key_id": keys[slug]["department_key_id"],
                    "answer_public_key_pem": keys[slug]["department_public"],
                    "queries": QUERIES.get(slug, {}),
                }
                for process, slugs in layout.items()
                for slug in slugs
            ]
        }
        _write_private(self.directory_file, json.dumps(directory, ensure_ascii=False, indent=1))

    def base_url(self, slug: str) -> str:
        for process, slugs in self._layout().items():
            if slug in slugs:
                return f"http://{self.host}:{self.ports[process]}/{slug}"
        raise KeyError(slug)

    def control_url(self, slug: str) -> str:
        """The loopback control endpoint of the process serving ``slug``."""
        return self.base_url(slug).rsplit("/", 1)[0] + f"/_control/{slug}"

    def process_urls(self) -> list[str]:
        return [f"http://{self.host}:{port}" for port in self.ports.values()]

    def describe(self) -> Iterable[str]:
        for name, slugs in self._layout().items():
            port = self.ports.get(name)
            shown = ", ".join(slugs) if len(slugs) <= 3 else f"{len(slugs)} departments"
            yield f"{name:<18} http://{self.host}:{port}  ({shown})"

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        self.processes.clear()


def _write_private(path: Path, text: str) -> None:
    """Secrets inside: readable by this user only; written whole, then renamed, so a reader never sees half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


def _await_ready(name: str, process: subprocess.Popen[bytes]) -> int:
    assert process.stdout is not None
    deadline = time.monotonic() + _READY_SECONDS
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if not line:
                break
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("ready"):
                return int(message["port"])
        if process.poll() is not None:
            break
    raise FleetError(f"simulator process {name!r} did not start (exit code {process.poll()})")
