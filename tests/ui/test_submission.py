"""validate_submission: valid data passes, each wrong field is named by its pointer, nothing ever raises."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ishenzhen.catalog.source.model import Catalog
from ishenzhen.ui._walk import fields
from ishenzhen.ui.checks import SpecReferences
from ishenzhen.ui.defaults import default_spec
from ishenzhen.ui.model import (
    AddressInput,
    Agreement,
    CheckboxInput,
    DateInput,
    FieldEquals,
    FieldFilled,
    Form,
    FormStep,
    Guide,
    GuideSection,
    MobileInput,
    NumberInput,
    Option,
    RenderSpec,
    ResidentIdInput,
    Section,
    SelectInput,
    TextInput,
    UploadSlot,
)
from ishenzhen.ui.submission import validate_submission, visible_values
from tests.ui import strategies

TODAY = dt.date(2026, 5, 1)
REFS = SpecReferences(e_licence_types=strategies.LICENCES, districts=strategies.DISTRICTS)
ID_NUMBER = strategies.resident_id(dt.date(1990, 1, 2), 123)
OPTIONS = [
    Option(value="new", label="新办"),
    Option(value="renew", label="换领"),
    Option(value="lost", label="补领"),
]

SPEC = RenderSpec(
    guide=Guide(sections=[GuideSection(id="about", title="说明", paragraphs=["x"])]),
    form=Form(
        steps=[
            FormStep(
                id="who",
                title="申请人",
                components=[
                    TextInput(
                        id="name", label="姓名", required=True, max_length=20, pattern=r"\p{Han}{2,10}"
                    ),
                    ResidentIdInput(id="id_number", label="身份证号", required=True),
                    MobileInput(id="mobile", label="手机", required=True),
                    NumberInput(id="household", label="家庭人数", integer=True, minimum=1, maximum=20),
                    DateInput(id="moved_in", label="入住日期", earliest="2000-01-01", latest="today"),
                ],
            ),
            FormStep(
                id="what",
                title="申请事项",
                components=[
                    SelectInput(id="reason", label="申领原因", required=True, options=OPTIONS),
                    TextInput(
                        id="lost_where",
                        label="遗失地点",
                        visible_when=FieldEquals(field="reason", value="lost"),
                        required_when=FieldEquals(field="reason", value="lost"),
                    ),
                    CheckboxInput(
                        id="extras",
                        label="附加服务",
                        min_selected=1,
                        max_selected=2,
                        options=OPTIONS,
                        visible_when=FieldFilled(field="household"),
                    ),
                    Section(
                        title="邮寄",
                        visible_when=FieldEquals(field="reason", value="renew"),
                        components=[
                            AddressInput(
                                id="address", label="地址", required=True, districts=["440304", "440305"]
                            ),
                        ],
                    ),
                    UploadSlot(id="photo", label="照片", material="照片", max_files=2),
                    Agreement(id="promise", label="承诺", required=True, text="属实"),
                ],
            ),
        ]
    ),
)
VALID: dict[str, Any] = {
    "name": "张伟",
    "id_number": ID_NUMBER,
    "mobile": "13912345678",
    "household": 3,
    "moved_in": "2019-09-01",
    "reason": "renew",
    "extras": ["new"],
    "address": {"district": "440304", "detail": "福中三路1号"},
    "photo": ["upl_ABCDEFGH1234"],
    "promise": True,
}


def problems(data: object, spec: RenderSpec = SPEC) -> dict[str, str]:
    return {p.pointer: p.reason for p in validate_submission(spec, data, REFS, TODAY)}


def test_valid_data_passes() -> None:
    assert problems(VALID) == {}


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"name": "Zhang"}, "/name"),
        ({"name": "张" * 21}, "/name"),
        ({"id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")}, "/id_number"),
        ({"mobile": "12345678901"}, "/mobile"),
        ({"household": 2.5}, "/household"),
        ({"household": 0}, "/household"),
        ({"household": True}, "/household"),
        ({"moved_in": "2026-05-02"}, "/moved_in"),
        ({"moved_in": "2023-02-30"}, "/moved_in"),
        ({"reason": "stolen"}, "/reason"),
        ({"extras": ["new", "renew", "lost"]}, "/extras"),
        ({"extras": ["nope"]}, "/extras/0"),
        ({"address": {"district": "440303", "detail": "x"}}, "/address/district"),
        ({"address": {"district": "440304"}}, "/address/detail"),
        ({"photo": ["upl_1", "upl_ABCDEFGH1234"]}, "/photo/0"),
        ({"promise": False}, "/promise"),
        ({"promise": "yes"}, "/promise"),
        ({"colour": "red"}, "/colour"),
        ({"a/b": 1}, "/a~1b"),
    ],
)
def test_each_wrong_field_is_reported_at_its_pointer(change: dict[str, Any], pointer: str) -> None:
    assert list(problems({**VALID, **change})) == [pointer]


def test_every_missing_required_field_is_reported_at_once() -> None:
    assert problems({"reason": "renew"}) == {
        "/name": "required",
        "/id_number": "required",
        "/mobile": "required",
        "/address": "required",
        "/promise": "required",
    }


def test_required_when_and_hidden_fields() -> None:
    lost = {**VALID, "reason": "lost"}
    lost.pop("address")
    assert problems(lost) == {"/lost_where": "required"}
    # The address section is hidden unless renewing: a stale, even invalid, value there is ignored ...
    assert problems({**lost, "lost_where": "地铁", "address": {"district": "nowhere"}}) == {}
    # ... and left out of what is kept.
    assert "address" not in visible_values(SPEC, {**lost, "lost_where": "地铁", "address": {}})


def test_a_body_that_is_not_an_object_is_refused_at_the_root() -> None:
    assert problems([1, 2]) == {"": "the form data must be a JSON object"}


@settings(max_examples=400, deadline=None)
@given(data=strategies.payloads)
def test_arbitrary_payloads_never_raise_and_point_at_a_field(data: dict[str, Any]) -> None:
    ids = {located.component.id for located in fields(SPEC.form)}  # type: ignore[union-attr]
    for problem in validate_submission(SPEC, data, REFS, TODAY):
        head = problem.pointer.split("/")[1].replace("~1", "/").replace("~0", "~")
        assert head in ids or head in data, problem
        assert problem.reason


@settings(max_examples=300, deadline=None)
@given(spec=strategies.specs, data=strategies.payloads)
def test_generated_specs_and_payloads_never_raise(spec: RenderSpec, data: dict[str, Any]) -> None:
    ids = {located.component.id for located in fields(spec.form)}  # type: ignore[union-attr]
    for problem in validate_submission(spec, data, REFS, TODAY):
        head = problem.pointer.split("/")[1].replace("~1", "/").replace("~0", "~")
        assert head in ids or head in data, problem


def _answer(field: object) -> object:
    """A valid answer to a field of a default spec."""
    return {
        TextInput: "深圳市示例科技有限公司",
        ResidentIdInput: ID_NUMBER,
        MobileInput: "13800000001",
        UploadSlot: ["upl_ABCDEFGH1234"],
        Agreement: True,
        AddressInput: {"district": "440304", "detail": "福中三路1号"},
    }[type(field)]  # type: ignore[index]


@settings(max_examples=150, deadline=None)
@given(index=st.integers(0, 7483), data=st.data())
def test_default_specs_accept_a_complete_answer_and_name_any_single_wrong_field(
    catalogue: Catalog, index: int, data: st.DataObject
) -> None:
    item = catalogue.items[index]
    spec = default_spec(item)
    refs = SpecReferences(e_licence_types=frozenset(), districts=frozenset({"440304"}))
    answer: dict[str, Any] = {}
    for located in fields(spec.form):
        field = located.component
        if field.id == "applicant_type":  # type: ignore[union-attr]
            answer[field.id] = data.draw(st.sampled_from(["person", "enterprise"]))  # type: ignore[union-attr]
        elif field.id == "delivery":  # type: ignore[union-attr]
            answer[field.id] = data.draw(st.sampled_from(["pickup", "post"]))  # type: ignore[union-attr]
        elif field.id == "enterprise_credit_code":  # type: ignore[union-attr]
            answer[field.id] = "91440300MA5FDEMQ01"
        else:
            answer[field.id] = _answer(field)  # type: ignore[union-attr]
    assert validate_submission(spec, answer, refs, TODAY) == []
    shown = visible_values(spec, answer)
    wrong = data.draw(st.sampled_from(sorted(shown)))
    broken = {**answer, wrong: False if wrong == "promise" else 12345}
    assert [p.pointer for p in validate_submission(spec, broken, refs, TODAY)] == [f"/{wrong}"]
