"""The department simulators as real processes for a test session (a pytest plugin, see tests/conftest.py).

``department_simulators`` starts every department of the catalogue (five in-depth processes and the generic
one) once per session and gives their URLs, the gateway-side directory file and the department clients'
secrets. Callbacks go to ``gateway_url``, which tests re-point with ``Simulators.repoint`` (for example at a
gateway running under granian). Each test that changes knobs resets them with ``Simulators.reset``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ishenzhen.departments.directory import DepartmentDirectory
from ishenzhen.departments.fleet import DepartmentClientSecret, SimulatorFleet, catalog_departments

CATALOG_DIR = Path(__file__).resolve().parents[1] / "services_catalog"
# Fast-moving cases: state changes 20 ms apart, so callback tests finish quickly.
TEST_PACE_SECONDS = 0.02


class Simulators:
    """A started fleet, with the helpers tests use to drive it over its loopback control endpoints."""

    def __init__(self, fleet: SimulatorFleet) -> None:
        self.fleet = fleet
        self.directory_file = fleet.directory_file
        self.secrets: dict[str, DepartmentClientSecret] = {s.slug: s for s in fleet.client_secrets()}
        self._control = httpx.AsyncClient(timeout=10, trust_env=False)

    def base_url(self, slug: str) -> str:
        return self.fleet.base_url(slug)

    def directory(self, **overrides: Any) -> DepartmentDirectory:
        """The gateway's directory of the simulators; ``overrides`` change every entry (e.g. timeouts)."""
        directory = DepartmentDirectory.from_file(self.directory_file, allowed_origins=["http://127.0.0.1"])
        if not overrides:
            return directory
        import msgspec

        return DepartmentDirectory(
            [msgspec.structs.replace(entry, **overrides) for entry in directory],
            allowed_origins=["http://127.0.0.1"],
        )

    async def knobs(self, slug: str, **knobs: Any) -> dict[str, Any]:
        response = await self._control.put(self.fleet.control_url(slug), json=knobs)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def report(self, slug: str) -> dict[str, Any]:
        response = await self._control.get(self.fleet.control_url(slug))
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def reset(self) -> None:
        for url in self.fleet.process_urls():
            response = await self._control.delete(f"{url}/_control/_all")
            assert response.status_code == 200, response.text

    async def repoint(self, gateway_url: str) -> None:
        for url in self.fleet.process_urls():
            response = await self._control.put(f"{url}/_control/_gateway", json={"url": gateway_url})
            assert response.status_code == 200, response.text

    async def aclose(self) -> None:
        await self._control.aclose()


@pytest.fixture(scope="session")
def simulator_fleet() -> Iterator[SimulatorFleet]:
    folder = Path(tempfile.mkdtemp(prefix="ishenzhen-test-simulators-"))
    fleet = SimulatorFleet(
        folder=folder,
        departments=catalog_departments(CATALOG_DIR),
        gateway_url="http://127.0.0.1:9",  # nothing listens: re-pointed by tests that follow callbacks
        pace_seconds=TEST_PACE_SECONDS,
    )
    fleet.start()
    try:
        yield fleet
    finally:
        fleet.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
async def department_simulators(simulator_fleet: SimulatorFleet) -> AsyncIterator[Simulators]:
    simulators = Simulators(simulator_fleet)
    try:
        yield simulators
    finally:
        await simulators.aclose()


@pytest.fixture
async def simulators(department_simulators: Simulators) -> AsyncIterator[Simulators]:
    """The session's simulators, with every department's knobs and cases reset after the test."""
    try:
        yield department_simulators
    finally:
        await department_simulators.reset()
