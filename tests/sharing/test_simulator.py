"""The data-sharing platform simulator: deterministic, valid identifiers, consistent, signed requests only."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import socket
import subprocess
import sys
import time

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ishenzhen.identity.seed import DEMO_CITIZENS, DEMO_ENTERPRISE
from ishenzhen.lib.validators import is_valid_credit_code, is_valid_resident_id
from ishenzhen_simulators.data_platform.app import (
    DEV_CLIENT_ID,
    DEV_CLIENT_SECRET,
    Knobs,
    create_app,
    knobs_from_text,
)
from ishenzhen_simulators.data_platform.registers import DISTRICTS, City
from ishenzhen_simulators.data_platform.signing import canonical
from tests.sharing.conftest import SEED

_CITY = City(SEED)


@settings(max_examples=300, deadline=None)
@given(index=st.integers(0, _CITY.people - 1))
def test_people_have_valid_unique_id_numbers(index: int) -> None:
    number = _CITY.id_number(index)
    assert is_valid_resident_id(number, today=dt.date(2026, 12, 31))
    assert _CITY.person_index(number) == index
    person = _CITY.person(number)
    assert person is not None and person["id_number"] == number
    assert person["sex"] == ("male" if int(number[16]) % 2 else "female")  # GB 11643: odd 17th digit is male
    assert person["household_district"] in ("", *DISTRICTS)


@settings(max_examples=200, deadline=None)
@given(index=st.integers(0, _CITY.enterprises - 1))
def test_enterprises_have_valid_credit_codes_and_real_representatives(index: int) -> None:
    code = _CITY.credit_code(index)
    assert is_valid_credit_code(code) and _CITY.enterprise_index(code) == index
    enterprise = _CITY.enterprise(code)
    assert enterprise is not None and enterprise["district"] in DISTRICTS
    assert _CITY.person(enterprise["legal_representative_id"]) is not None
    licences = _CITY.licences(code)
    assert licences and licences[0]["type"] == "business_licence"


def test_same_seed_same_city_other_seed_other_city() -> None:
    assert [City(SEED).id_number(i) for i in range(50)] == [_CITY.id_number(i) for i in range(50)]
    assert City(SEED).person(_CITY.id_number(7)) == _CITY.person(_CITY.id_number(7))
    assert City(SEED + 1).id_number(7) != _CITY.id_number(7)


def test_numbers_outside_the_population_are_not_found() -> None:
    small = City(SEED, people=1000, enterprises=100)
    beyond = City(SEED).id_number(5000)  # the same mapping, an index the small city does not hold
    assert small.person(small.id_number(999)) is not None and small.person(beyond) is None
    assert small.enterprise(City(SEED).credit_code(500)) is None
    assert _CITY.person("440303198503120018") is None  # the demo number with a wrong check digit
    assert _CITY.person("4403031985031200") is None and _CITY.enterprise("91440300000000000X") is None


def test_knobs_from_flags() -> None:
    knobs = knobs_from_text("credit=slow:800, population=down")
    assert (
        knobs.modes["credit"] == "slow"
        and knobs.delays["credit"] == 800
        and knobs.modes["population"] == "down"
    )
    assert set(knobs_from_text("all=inconsistent").modes.values()) == {"inconsistent"}
    with pytest.raises(ValueError, match="bad knob"):
        knobs_from_text("weather=down")


def test_demo_accounts_exist_with_their_names() -> None:
    for entry in DEMO_CITIZENS.values():
        if entry is None:
            continue
        name, number = entry
        person = _CITY.person(number)
        assert person is not None and person["name"] == name and person["status"] == "alive"
    enterprise = _CITY.enterprise(DEMO_ENTERPRISE[0])
    assert enterprise is not None and enterprise["name"] == DEMO_ENTERPRISE[1]
    assert enterprise["legal_representative_id"] == DEMO_CITIZENS["13800000003"][1]  # type: ignore[index]


def test_population_mix_is_plausible() -> None:
    sample = [_CITY.person(_CITY.id_number(i)) for i in range(3000)]
    statuses = {
        s: sum(1 for p in sample if p and p["status"] == s) for s in ("alive", "deceased", "moved_out")
    }
    assert statuses["deceased"] > 0 and statuses["moved_out"] > 0 and statuses["alive"] > 2800
    assert sum(1 for p in sample if p and p["spouse_id"]) > 500
    spouse = next(p for p in sample if p and p["spouse_id"])
    assert _CITY.person(spouse["spouse_id"])["spouse_id"] == spouse["id_number"]  # type: ignore[index]


def _signed(
    path: str,
    query: str = "",
    *,
    purpose: str = "instant_approval",
    basis: str = "citizen_action:view_licences",
    secret: str = DEV_CLIENT_SECRET,
    timestamp: int | None = None,
) -> dict[str, str]:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = hmac.new(
        secret.encode(), canonical("GET", path, query, stamp, DEV_CLIENT_ID, purpose, basis), hashlib.sha256
    ).hexdigest()
    return {
        "x-client-id": DEV_CLIENT_ID,
        "x-timestamp": stamp,
        "x-purpose": purpose,
        "x-basis": basis,
        "x-signature": signature,
    }


async def test_only_signed_purpose_bound_requests_are_answered() -> None:
    knobs = Knobs()
    app = create_app(_CITY, {DEV_CLIENT_ID: DEV_CLIENT_SECRET}, knobs)
    number = _CITY.id_number(3)
    path = f"/v1/population/{number}"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://p") as client:
        assert (await client.get(path, headers=_signed(path))).json()["id_number"] == number
        assert (await client.get(path)).status_code == 401
        assert (await client.get(path, headers=_signed(path, secret="guess"))).status_code == 401
        assert (
            await client.get(path, headers=_signed(path, timestamp=int(time.time()) - 3600))
        ).status_code == 401
        assert (await client.get(path, headers=_signed(path, purpose="curiosity"))).json()[
            "error"
        ] == "purpose_required"
        assert (await client.get(path, headers=_signed(path, basis=""))).json()["error"] == "basis_required"
        # The signature covers the path: a signed request for one person does not open another's record.
        other = f"/v1/population/{_CITY.id_number(4)}"
        assert (await client.get(other, headers=_signed(path))).status_code == 401
        knobs.modes["population"] = "down"
        assert (await client.get(path, headers=_signed(path))).status_code == 503
        knobs.modes["population"] = "inconsistent"
        assert (await client.get(path, headers=_signed(path))).json()["conflicts"] == ["name"]
        assert (await client.get("/health")).json()["people"] >= 100_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_runs_as_its_own_process_and_starts_fast() -> None:
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ishenzhen_simulators.data_platform",
            "--port",
            str(port),
            "--seed",
            "5",
            "--knob",
            "population=down",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = started + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=0.5)
                break
            except httpx.HTTPError:
                assert time.perf_counter() < deadline, "the platform did not start within 30 s"
                time.sleep(0.05)
        elapsed = time.perf_counter() - started
        assert health.json() == {"status": "ok", "people": 120_000, "enterprises": 24_000}
        assert elapsed < 10, elapsed  # nothing is materialised at start (about 1 s on an idle machine)
        path = f"/v1/credit/{City(5).id_number(0)}"
        answer = httpx.get(f"http://127.0.0.1:{port}{path}", headers=_signed(path), timeout=5)
        assert answer.status_code == 200 and "dishonest" in answer.json()
        down = f"/v1/population/{City(5).id_number(0)}"
        assert (
            httpx.get(f"http://127.0.0.1:{port}{down}", headers=_signed(down), timeout=5).status_code == 503
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
