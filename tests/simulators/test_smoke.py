from __future__ import annotations

import msgspec

from ishenzhen.departments import DepartmentClient, OutboundRequest
from tests.simulators_fixture import Simulators


def submission(number: str, department: str = "education", item_code: str = "000000000000440300") -> bytes:
    return msgspec.json.encode({
        "number": number, "item_code": item_code, "department": department, "spec_version": "1.0",
        "submitted_at": "2026-12-03T10:00:00Z",
        "applicant": {"subject": "sub-1", "level": "L2", "name": "张伟", "id_number": "440303198503120017"},
        "acting_party": {"kind": "self", "credit_code": None}, "form": {"a": 1}, "materials": [],
    })  # fmt: skip


async def test_delivers(simulators: Simulators) -> None:
    client = DepartmentClient(simulators.directory())
    try:
        result = await client.deliver(
            OutboundRequest(
                department="education",
                method="POST",
                path="/applications",
                body=submission("SZ1"),
                application_number="SZ1",
                acting_user="sub-1",
                acting_party="self",
                traceparent=None,
            )
        )
        print(result)
        assert result.outcome == "delivered", result
    finally:
        await client.aclose()
