"""Small, valid catalogue records for tests that need a handful of items rather than all 7,484."""

from __future__ import annotations

from typing import Any

from ishenzhen.catalog.model import (
    Department,
    District,
    Fee,
    ImplementingBody,
    Material,
    Result,
    ServiceItem,
    Theme,
)

DEPARTMENTS = [
    Department(
        slug="shi-gongan-ju",
        name="深圳市公安局",
        short_name="市公安局",
        nature="government_body",
        credit_code="11440300MB2C92840G",
        enquiry_phone="0755-110",
    ),
    Department(
        slug="shi-minzheng-ju",
        name="深圳市民政局",
        short_name="市民政局",
        nature="government_body",
        credit_code="11440300MB2C92841E",
        enquiry_phone="0755-12345",
    ),
]
DISTRICTS = [
    District(code="440304", name="福田区", slug="futian", kind="district"),
    District(code="440305", name="南山区", slug="nanshan", kind="district"),
]
THEMES = [
    Theme(code="huji", name="户籍", audience="natural_person"),
    Theme(code="yanglao", name="退休养老", audience="natural_person"),
]


def item(code: str, name: str, **overrides: Any) -> ServiceItem:
    fields: dict[str, Any] = {
        "code": code,
        "basic_code": code[:12],
        "implementation_code": code,
        "name": name,
        "item_type": "public_service",
        "department": "shi-gongan-ju",
        "implementing_body": ImplementingBody(name="深圳市公安局", credit_code="11440300MB2C92840G"),
        "level": "city",
        "district": None,
        "audience": "natural_person",
        "themes": ["huji"],
        "legal_basis": ["《中华人民共和国居民身份证法》第十一条"],
        "acceptance_conditions": ["具有本市户籍的居民"],
        "case_type": "promised",
        "channels": ["phone", "online", "window"],
        "materials": [
            Material(
                name="居民身份证",
                kind="original",
                form="electronic",
                required=True,
                source="shared_data",
                copies=1,
                e_licence_type=None,
            )
        ],
        "fees": [Fee(charged=False, item="不收费", standard=None, basis=None)],
        "statutory_days": 20,
        "promised_days": 5,
        "visits": 0,
        "visit_reason": None,
        "instant_approval": False,
        "phone_handling": True,
        "online_depth": "full_online",
        "result": Result(name="居民身份证", type="certificate"),
        "progress_query": "i深圳App“我的办件”",
        "enquiry_phone": "0755-12345",
        "complaint_phone": "0755-12345",
        "faq": [],
        "service_scope": "city_wide",
        "popularity": 100,
        "version": 1,
        "status": "in_force",
    }
    fields.update(overrides)
    return ServiceItem(**fields)
