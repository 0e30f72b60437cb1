"""Every problem of an item in one 422, each at its JSON pointer."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.catalog.source.item_checks import ItemReferences
from ishenzhen.errors import InvalidInput
from ishenzhen.registry._validation import validate_item
from tests.registry.conftest import Token, as_json, bearer


@pytest.fixture(scope="module")
def references(source_catalog: Catalog) -> ItemReferences:
    return ItemReferences(
        departments={d.slug: d for d in source_catalog.departments},
        themes={t.code for t in source_catalog.themes},
        licences={e.code for e in source_catalog.e_licence_types},
        districts={d.code for d in source_catalog.districts},
    )


def problems(raw: Any, references: ItemReferences, department: str = "archives") -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        validate_item(raw, references, department=department)
    return {error.name: error.reason for error in caught.value.errors}


def test_a_valid_item_passes(new_item: ServiceItem, references: ItemReferences) -> None:
    assert validate_item(as_json(new_item), references, department="archives") == new_item


def test_schema_errors_are_all_reported_with_pointers(
    new_item: ServiceItem, references: ItemReferences
) -> None:
    raw = as_json(new_item, promised_days="three", colour="red")
    raw["materials"][0]["form"] = "scroll"
    raw["materials"][1]["copies"] = 0
    del raw["result"]
    found = problems(raw, references)
    assert set(found) == {"/promised_days", "/colour", "/materials/0/form", "/materials/1/copies", "/result"}
    assert found["/colour"] == "unknown field" and found["/result"] == "required field is missing"


def test_national_element_and_ownership_problems(new_item: ServiceItem, references: ItemReferences) -> None:
    raw = as_json(
        new_item, themes=["marriage", "no-such-theme"], enquiry_phone="12", visits=1, basic_code="2004"
    )
    raw["materials"][1]["e_licence_type"] = "unicorn_licence"
    found = problems(raw, references, department="audit")
    assert {
        "/themes/1",
        "/enquiry_phone",
        "/visit_reason",
        "/basic_code",
        "/code",
        "/materials/1",
        "/department",
        "/phone_handling",
    } <= set(found)
    assert "unicorn_licence" in found["/materials/1"]


def test_an_unknown_department_and_district(new_item: ServiceItem, references: ItemReferences) -> None:
    raw = as_json(new_item, department="ministry-of-magic", level="district", district="440399")
    found = problems(raw, references, department="ministry-of-magic")
    assert "unknown department" in found["/department"] and "/district" in found


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    field=st.sampled_from(list(msgspec.structs.fields(ServiceItem))).map(lambda f: f.encode_name),
    value=st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=5),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    ),
)
def test_any_wrong_value_is_pointed_at(
    field: str, value: Any, new_item: ServiceItem, references: ItemReferences
) -> None:
    """Never anything but InvalidInput (no 500), and every problem names a body field by pointer."""
    raw = as_json(new_item, **{field: value})
    try:
        validate_item(raw, references, department="archives")
    except InvalidInput as exc:
        assert exc.errors
        for error in exc.errors:
            assert error.location == "body" and error.name.startswith("/") and error.reason
            assert error.name.split("/")[1] in {f.encode_name for f in msgspec.structs.fields(ServiceItem)}


async def test_one_422_over_http(
    client: AsyncTestClient[Litestar], token: Token, new_item: ServiceItem
) -> None:
    archives = await token("archives")
    raw = as_json(new_item, statutory_days=-1, name="事项 12")
    raw["materials"][0]["name"] = 5
    answer = await client.post("/v1/registry/items", json=raw, headers=bearer(archives))
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    names = {e["name"] for e in answer.json()["errors"]}
    assert names == {"/statutory_days", "/materials/0/name"}  # schema problems come first, checked whole
    fixed = as_json(new_item, name="事项 12")
    second = await client.post("/v1/registry/items", json=fixed, headers=bearer(archives))
    assert {e["name"] for e in second.json()["errors"]} == {"/name"}
    broken = await client.post(
        "/v1/registry/items",
        content=b"{not json",
        headers=bearer(archives, **{"Content-Type": "application/json"}),
    )
    assert broken.status_code == 400
    wrong_type = await client.post(
        "/v1/registry/items",
        content=b"a: 1",
        headers=bearer(archives, **{"Content-Type": "application/yaml"}),
    )
    assert wrong_type.status_code == 415


def test_render_spec_problems_come_back_with_pointers_into_the_item(
    new_item: ServiceItem, references: ItemReferences
) -> None:
    from ishenzhen.catalog.default_spec import default_spec

    spec = msgspec.to_builtins(default_spec(new_item))
    applicant = spec["form"]["steps"][0]["components"]
    applicant.append(dict(applicant[0]))  # the same field id twice
    spec["form"]["steps"][0]["components"].append(
        {"type": "upload", "id": "ghost", "label": "不存在的材料", "material": "不存在的材料"}
    )
    spec["form"]["steps"][0]["components"].append(
        {"type": "text_input", "id": "code", "label": "代码", "pattern": "(unclosed"}
    )
    found = problems(as_json(new_item, render_spec=spec), references)
    last = len(applicant) - 1
    assert f"/render_spec/form/steps/0/components/{last - 2}/id" in found
    assert f"/render_spec/form/steps/0/components/{last - 1}/material" in found
    assert f"/render_spec/form/steps/0/components/{last}/pattern" in found


def test_an_item_with_a_valid_hand_written_spec_passes(
    new_item: ServiceItem, references: ItemReferences
) -> None:
    from ishenzhen.catalog.default_spec import default_spec

    item = msgspec.structs.replace(new_item, render_spec=default_spec(new_item))
    assert validate_item(as_json(item), references, department="archives") == item
