"""validate_submission: valid data passes, each wrong field is named by its pointer, nothing ever raises."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ishenzhen.catalog.default_spec import default_spec
from ishenzhen.catalog.model import Catalog
from ishenzhen.ui._walk import fields
from ishenzhen.ui.checks import SpecReferences
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
    RadioInput,
    RenderSpec,
    Repeat,
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


# -- repeats ----------------------------------------------------------------------------------------------
KINDS = [Option(value="person", label="自然人"), Option(value="enterprise", label="企业")]
COMPANY = [Option(value="llc", label="有限责任公司"), Option(value="sole", label="个人独资企业")]
GROUP_SPEC = RenderSpec(
    spec_version="1.1",
    guide=SPEC.guide,
    form=Form(
        steps=[
            FormStep(
                id="company",
                title="企业",
                components=[
                    SelectInput(id="company_type", label="企业类型", required=True, options=COMPANY),
                    Repeat(
                        id="shareholders",
                        label="股东",
                        item_label="股东 {n}",
                        required=True,
                        min_items=1,
                        max_items=3,
                        components=[
                            RadioInput(id="kind", label="类型", required=True, options=KINDS),
                            TextInput(id="name", label="名称", required=True, max_length=20),
                            ResidentIdInput(
                                id="id_number",
                                label="身份证号",
                                visible_when=FieldEquals(field="kind", value="person"),
                                required_when=FieldEquals(field="kind", value="person"),
                            ),
                            NumberInput(id="subscribed", label="认缴出资额", required=True, minimum=0.01),
                            # Reads a top-level field: only a limited company states a due date.
                            DateInput(
                                id="due",
                                label="出资期限",
                                earliest="today",
                                visible_when=FieldEquals(field="company_type", value="llc"),
                                required_when=FieldEquals(field="company_type", value="llc"),
                            ),
                        ],
                    ),
                    TextInput(id="note", label="备注", visible_when=FieldFilled(field="shareholders")),
                ],
            )
        ]
    ),
)
PERSON = {"kind": "person", "name": "张伟", "id_number": ID_NUMBER, "subscribed": 10, "due": "2030-01-01"}
FIRM = {"kind": "enterprise", "name": "深圳市示例科技有限公司", "subscribed": 90.5, "due": "2030-01-01"}
GROUP_VALID: dict[str, Any] = {"company_type": "llc", "shareholders": [PERSON, FIRM], "note": "无"}


def group_problems(data: object) -> dict[str, str]:
    return problems(data, GROUP_SPEC)


def test_repeat_entries_that_are_right_pass() -> None:
    assert group_problems(GROUP_VALID) == {}
    # Without the top-level condition, the entries need no due date.
    sole = {"company_type": "sole", "shareholders": [{k: v for k, v in PERSON.items() if k != "due"}]}
    assert group_problems(sole) == {}


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([], {"/shareholders": "required"}),
        (None, {"/shareholders": "required"}),
        ([PERSON] * 4, {"/shareholders": "at most 3 entries"}),
        ({"0": PERSON}, {"/shareholders": "must be a list of entries (JSON objects)"}),
        ([PERSON, "张三"], {"/shareholders/1": "each entry must be a JSON object"}),
        (
            [PERSON, {**PERSON, "id_number": "440304199001021234", "shoe": 42}],
            {
                "/shareholders/1/shoe": "this group has no such field",
                "/shareholders/1/id_number": "not a valid resident ID number (18 characters, check digit)",
            },
        ),
        (
            [PERSON, PERSON, {"kind": "person"}],
            {
                "/shareholders/2/name": "required",
                "/shareholders/2/id_number": "required",
                "/shareholders/2/subscribed": "required",
                "/shareholders/2/due": "required",
            },
        ),
        ([{**FIRM, "subscribed": 0}], {"/shareholders/0/subscribed": "at least 0.01"}),
        ([{**FIRM, "due": "2026-04-30"}], {"/shareholders/0/due": "on or after 2026-05-01"}),
    ],
)
def test_each_wrong_entry_is_reported_at_its_pointer(entries: object, expected: dict[str, str]) -> None:
    assert group_problems({**GROUP_VALID, "shareholders": entries}) == expected


def test_conditions_inside_an_entry_read_that_entry_and_hidden_entry_fields_are_ignored() -> None:
    # An enterprise shareholder does not show the ID number: a stale, invalid one is ignored, and dropped.
    firm = {**FIRM, "id_number": "not an id"}
    data = {**GROUP_VALID, "shareholders": [PERSON, firm]}
    assert group_problems(data) == {}
    kept = visible_values(GROUP_SPEC, data)
    assert kept["shareholders"] == [PERSON, FIRM]
    assert data["shareholders"] == [PERSON, firm]  # what was submitted is not changed
    # ``note`` shows only while some shareholder is given.
    assert "note" not in visible_values(GROUP_SPEC, {"company_type": "llc", "note": "x"})


def test_an_optional_repeat_may_be_left_empty_but_then_holds_min_items() -> None:
    [step] = GROUP_SPEC.form.steps
    group = msgspec.structs.replace(step.components[1], required=False, min_items=2)  # type: ignore[type-var]
    spec = msgspec.structs.replace(
        GROUP_SPEC, form=Form(steps=[msgspec.structs.replace(step, components=[step.components[0], group])])
    )
    assert problems({"company_type": "llc", "shareholders": []}, spec) == {}
    assert problems({"company_type": "llc", "shareholders": [PERSON]}, spec) == {
        "/shareholders": "at least 2 entries"
    }


def test_the_company_registration_form_takes_any_number_of_shareholders(catalogue: Catalog) -> None:
    # 企业设立登记: one repeat of shareholders (1 to 50) instead of three fixed sections and a web link.
    item = next(i for i in catalogue.items if i.code == "010300001000440300")
    assert item.render_spec is not None and item.render_spec.spec_version == "1.1"
    shareholder = {
        "name": "张伟",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "subscribed": 30,
        "method": "currency",
        "deadline": "2030-12-31",
    }

    def about_shareholders(entries: object) -> dict[str, str]:
        found = validate_submission(item.render_spec, {"shareholders": entries}, REFS, TODAY)  # type: ignore[arg-type]
        return {p.pointer: p.reason for p in found if p.pointer.startswith("/shareholders")}

    assert about_shareholders([shareholder] * 7) == {}
    assert about_shareholders([]) == {"/shareholders": "required"}
    assert about_shareholders([shareholder] * 51) == {"/shareholders": "at most 50 entries"}
    wrong = {**shareholder, "method": "labour", "deadline": "2026-01-01"}
    assert about_shareholders([shareholder, shareholder, wrong]) == {
        "/shareholders/2/method": "not one of the options",
        "/shareholders/2/deadline": "on or after 2026-05-01",
    }
