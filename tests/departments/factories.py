"""Requests the gateway would send: bodies as the contract between handling and the departments fixes them."""

from __future__ import annotations

import itertools
from typing import Any

import msgspec

from ishenzhen.departments import OutboundRequest

_numbers = itertools.count(1)


def new_number() -> str:
    return f"SZ20261203{next(_numbers):08d}"


def submission_body(
    number: str,
    department: str,
    item_code: str = "000000000000440300",
    *,
    id_number: str = "440303198503120017",
    materials: list[dict[str, Any]] | None = None,
) -> bytes:
    return msgspec.json.encode(
        {
            "number": number,
            "item_code": item_code,
            "department": department,
            "spec_version": "1.0",
            "submitted_at": "2026-12-03T10:00:00Z",
            "applicant": {"subject": "0b7c6f0e-sub", "level": "L2", "name": "张伟", "id_number": id_number},
            "acting_party": {"kind": "self", "credit_code": None},
            "form": {"reason": "测试"},
            "materials": materials
            if materials is not None
            else [
                {
                    "id": "7f0c1f3e-0000-4000-8000-000000000001",
                    "name": "身份证",
                    "media_type": "image/jpeg",
                    "sha256": "0" * 64,
                    "size": 1234,
                }
            ],
        }
    )


def submission(
    department: str = "education",
    item_code: str = "000000000000440300",
    *,
    number: str | None = None,
    attempt: int = 0,
    **body: Any,
) -> OutboundRequest:
    number = number or new_number()
    return OutboundRequest(
        department=department,
        method="POST",
        path="/applications",
        body=submission_body(number, department, item_code, **body),
        application_number=number,
        acting_user="0b7c6f0e-sub",
        acting_party="self",
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        attempt=attempt,
    )
