"""Simulated departments move their cases on and call the gateway back: states, order, domain answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import msgspec
import pytest

from ishenzhen.departments import DepartmentClient, OutboundRequest
from ishenzhen.lib.validators import is_valid_credit_code, resident_id_check_char
from tests.departments.factories import submission
from tests.simulators.gateway_double import GatewayDouble, gateway_double
from tests.simulators_fixture import Simulators


def born(years_ago: int) -> str:
    """A valid resident ID number of someone who turned ``years_ago`` some weeks ago."""
    day = dt.date.today() - dt.timedelta(days=years_ago * 365 + years_ago // 4 + 40)
    body = f"440303{day:%Y%m%d}001"
    return body + resident_id_check_char(body)


@pytest.fixture
async def gateway(simulators: Simulators) -> AsyncIterator[GatewayDouble]:
    async with gateway_double(simulators.secrets) as double:
        await simulators.repoint(double.url)
        yield double
    await simulators.repoint("http://127.0.0.1:9")


@pytest.fixture
async def client(simulators: Simulators) -> AsyncIterator[DepartmentClient]:
    department_client = DepartmentClient(simulators.directory())
    yield department_client
    await department_client.aclose()


async def deliver(client: DepartmentClient, request: OutboundRequest) -> str:
    result = await client.deliver(request)
    assert result.outcome == "delivered", result
    receipt: str = msgspec.json.decode(result.body)["receipt_number"]
    return receipt


async def test_a_generic_case_moves_through_its_states_with_the_departments_own_client(
    gateway: GatewayDouble, client: DepartmentClient
) -> None:
    request = submission("education")
    receipt = await deliver(client, request)
    events = await gateway.wait_for(request.application_number, "completed")
    assert [e["status"] for e in events] == ["accepted", "in_review", "approved", "completed"]
    assert [e["sequence"] for e in events] == [1, 2, 3, 4]
    assert {e["receipt_number"] for e in events} == {receipt}
    assert len({e["event_id"] for e in events}) == 4
    assert {c for c, n, _ in gateway.events if n == request.application_number} == {"dept-education-system"}


@pytest.mark.parametrize(
    ("department", "item_code", "age", "statuses", "data_key"),
    [
        ("civil-affairs", "050080007000440304", 76, ["accepted", "approved", "completed"], "monthly_amount"),
        ("civil-affairs", "050080007000440304", 65, ["accepted", "rejected"], "rule"),
        ("human-resources", "070120001000440300", 24, ["accepted", "approved", "completed"], "intake_letter"),
        ("human-resources", "070120002000440300", 50, ["accepted", "rejected"], "rule"),
        ("transport", "010200001000440300", 19, ["accepted", "rejected"], "rule"),
        (
            "transport",
            "010200001000440300",
            35,
            ["accepted", "in_review", "approved", "completed"],
            "licence_number",
        ),
        (
            "public-security",
            "070050001000440300",
            30,
            ["accepted", "in_review", "approved", "completed"],
            "card_masked",
        ),
        ("market-regulation", "010300001000440300", 30, ["accepted", "approved", "completed"], "credit_code"),
    ],
)
async def test_in_depth_departments_apply_their_own_rules(
    gateway: GatewayDouble,
    client: DepartmentClient,
    department: str,
    item_code: str,
    age: int,
    statuses: list[str],
    data_key: str,
) -> None:
    request = submission(department, item_code, id_number=born(age))
    await deliver(client, request)
    events = await gateway.wait_for(request.application_number, statuses[-1])
    assert [e["status"] for e in events] == statuses
    decided = next(e for e in events if e["status"] in ("approved", "rejected"))
    assert data_key in decided["data"] and decided["message"]


async def test_elderly_allowance_follows_the_age_bands(
    gateway: GatewayDouble, client: DepartmentClient
) -> None:
    amounts = {}
    for age in (72, 85, 93):
        request = submission("civil-affairs", "050080007000440304", id_number=born(age))
        await deliver(client, request)
        events = await gateway.wait_for(request.application_number, "approved")
        amounts[age] = next(e for e in events if e["status"] == "approved")["data"]["monthly_amount"]
    assert amounts == {72: 200, 85: 300, 93: 500}


async def test_a_company_registration_issues_a_valid_credit_code(
    gateway: GatewayDouble, client: DepartmentClient
) -> None:
    request = submission("market-regulation", "010300001000440300")
    receipt = await deliver(client, request)
    assert receipt.startswith("SC")
    events = await gateway.wait_for(request.application_number, "approved")
    code = next(e for e in events if e["status"] == "approved")["data"]["credit_code"]
    assert is_valid_credit_code(code)


async def test_missing_material_is_asked_for_and_a_supplement_moves_the_case_on(
    gateway: GatewayDouble, client: DepartmentClient
) -> None:
    request = submission("public-security", "070050005000440300", materials=[])
    await deliver(client, request)
    await gateway.wait_for(request.application_number, "more_material_needed")
    number = request.application_number
    supplement = msgspec.structs.replace(
        request,
        path=f"/applications/{number}/supplements",
        body=msgspec.json.encode(
            {
                "materials": [
                    {
                        "id": "m-2",
                        "name": "户口簿",
                        "media_type": "application/pdf",
                        "sha256": "1" * 64,
                        "size": 10,
                    }
                ]
            }
        ),
    )
    assert (await client.deliver(supplement)).outcome == "delivered"
    events = await gateway.wait_for(number, "completed")
    assert [e["status"] for e in events] == [
        "accepted",
        "more_material_needed",
        "in_review",
        "approved",
        "completed",
    ]
    assert [e["sequence"] for e in events] == [1, 2, 3, 4, 5]


async def test_a_supplement_nobody_asked_for_is_refused(
    gateway: GatewayDouble, client: DepartmentClient
) -> None:
    request = submission("education")
    await deliver(client, request)
    await gateway.wait_for(request.application_number, "completed")
    number = request.application_number
    unasked = msgspec.structs.replace(request, path=f"/applications/{number}/supplements", body=b"{}")
    result = await client.deliver(unasked)
    assert result.outcome == "dead" and result.status == 409


async def test_a_withdrawn_case_stops_moving(
    gateway: GatewayDouble, client: DepartmentClient, simulators: Simulators
) -> None:
    await simulators.knobs("education", pace_seconds=0.3)
    request = submission("education")
    await deliver(client, request)
    number = request.application_number
    withdrawal = msgspec.structs.replace(request, path=f"/applications/{number}/withdrawal", body=b"{}")
    result = await client.deliver(withdrawal)
    assert result.outcome == "delivered" and msgspec.json.decode(result.body)["status"] == "withdrawn"
    assert (await client.deliver(withdrawal)).body == result.body  # the same answer again
    report = await simulators.report("education")
    assert report["cases"][number]["status"] == "withdrawn"
    assert all(e["status"] not in ("approved", "completed") for e in report["cases"][number]["events"])


async def test_duplicate_callbacks_repeat_each_event_id(
    gateway: GatewayDouble, client: DepartmentClient, simulators: Simulators
) -> None:
    await simulators.knobs("education", duplicate_callbacks=True)
    request = submission("education")
    await deliver(client, request)
    events = await gateway.wait_count(request.application_number, 8)
    ids = [e["event_id"] for e in events]
    assert len(ids) == 8 and len(set(ids)) == 4 and all(ids.count(i) == 2 for i in ids)


async def test_out_of_order_callbacks_arrive_shuffled_but_carry_their_sequence(
    gateway: GatewayDouble, client: DepartmentClient, simulators: Simulators
) -> None:
    await simulators.knobs("education", out_of_order_callbacks=True)
    request = submission("education")
    await deliver(client, request)
    events = await gateway.wait_count(request.application_number, 4)
    arrived = [e["sequence"] for e in events]
    assert arrived != sorted(arrived) and sorted(arrived) == [1, 2, 3, 4]
    ordered = sorted(events, key=lambda e: e["sequence"])
    assert [e["status"] for e in ordered] == ["accepted", "in_review", "approved", "completed"]


async def test_cases_are_not_moved_on_when_callbacks_are_off(
    gateway: GatewayDouble, client: DepartmentClient, simulators: Simulators
) -> None:
    await simulators.knobs("education", callbacks=False)
    request = submission("education")
    await deliver(client, request)
    report = await simulators.report("education")
    assert report["cases"][request.application_number]["status"] == "delivered"
    assert gateway.of(request.application_number) == []
