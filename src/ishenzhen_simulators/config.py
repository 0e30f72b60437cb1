"""The simulators' configuration file: which departments a process serves, their keys and OAuth clients.

The file is written by whoever starts the simulators (``ishenzhen serve`` in development, the test fixture,
the benchmarks); secrets reach the simulators only through it, never through code.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

__all__ = ["DepartmentSetup", "ProcessSetup", "SimulatorConfig", "load_config"]


class DepartmentSetup(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    name: str
    # OAuth client the department uses to call the gateway back (client_credentials).
    client_id: str
    client_secret: str
    # The gateway's public key for this department: requests must be signed with it.
    gateway_key_id: str
    gateway_public_key_pem: str
    # The department's own key: it signs its answers with it.
    key_id: str
    private_key_pem: str


class ProcessSetup(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    departments: list[str]
    port: int = 0


class SimulatorConfig(msgspec.Struct, frozen=True, kw_only=True):
    gateway_url: str
    departments: list[DepartmentSetup]
    processes: list[ProcessSetup]
    # How old a signature may be (seconds); nonces are remembered this long to refuse replays.
    signature_max_age: float = 300.0
    # Seconds between a case's state changes unless a department's knobs say otherwise.
    pace_seconds: float = 2.0

    def process(self, name: str) -> ProcessSetup:
        for process in self.processes:
            if process.name == name:
                return process
        raise KeyError(f"no process {name!r} in the configuration")

    def department(self, slug: str) -> DepartmentSetup:
        for department in self.departments:
            if department.slug == slug:
                return department
        raise KeyError(f"no department {slug!r} in the configuration")


def load_config(path: Path) -> SimulatorConfig:
    return msgspec.json.decode(path.read_bytes(), type=SimulatorConfig)
