"""The data-sharing platform simulator in process (real HTTP semantics over httpx's ASGI transport)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from ishenzhen.sharing import AccessBasis, PlatformClient
from ishenzhen_simulators.data_platform.app import DEV_CLIENT_ID, DEV_CLIENT_SECRET, Knobs, create_app
from ishenzhen_simulators.data_platform.registers import City

SEED = 2026


@pytest.fixture(scope="session")
def city() -> City:
    return City(SEED)


@pytest.fixture
def knobs() -> Knobs:
    return Knobs()


@pytest.fixture
async def platform(city: City, knobs: Knobs) -> AsyncIterator[PlatformClient]:
    transport = httpx.ASGITransport(app=create_app(city, {DEV_CLIENT_ID: DEV_CLIENT_SECRET}, knobs))
    client = PlatformClient(
        "http://platform.test", DEV_CLIENT_ID, DEV_CLIENT_SECRET, timeout=0.3, transport=transport
    )
    try:
        yield client
    finally:
        await client.aclose()


def basis(item: str = "070120001000440300") -> AccessBasis:
    return AccessBasis(
        requester="gateway:instant_approval",
        purpose="instant_approval",
        application_id=uuid.uuid4(),
        item_code=item,
    )


def find_person(
    city: City, wanted: Callable[[dict[str, Any], list[dict[str, Any]]], bool], limit: int = 20_000
) -> str:
    """The first seeded person (by index) for whom ``wanted(person, licences)`` holds."""
    for index in range(limit):
        number = city.id_number(index)
        record = city.person(number)
        assert record is not None
        if wanted(record, city.licences(number) or []):
            return number
    raise AssertionError("no such person in the seeded population")
