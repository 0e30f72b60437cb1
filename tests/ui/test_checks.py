"""check_spec: every semantic problem found at once, each at a pointer into the spec; never an exception."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings

from ishenzhen.ui.checks import SpecReferences, check_spec
from ishenzhen.ui.model import (
    Agreement,
    CheckboxInput,
    FieldEquals,
    FieldFilled,
    Form,
    FormStep,
    Guide,
    GuideSection,
    Not,
    Option,
    Prefill,
    RenderSpec,
    Repeat,
    Section,
    SelectInput,
    TextInput,
    UploadSlot,
)
from tests.ui import strategies
from tests.ui.pointers import exists, parent_exists

REFS = SpecReferences(e_licence_types=strategies.LICENCES, districts=strategies.DISTRICTS)
# The item publishing the spec: its code (named in messages) and the materials an upload slot may name.
MATERIAL_NAMES = frozenset(material.name for material in strategies.MATERIALS)


def spec_of(*components: object) -> RenderSpec:
    return RenderSpec(
        guide=Guide(sections=[GuideSection(id="about", title="说明", paragraphs=["x"])]),
        form=Form(steps=[FormStep(id="main", title="填写", components=list(components))]),  # type: ignore[arg-type]
    )


def problems_of(spec: RenderSpec) -> dict[str, str]:
    return {p.pointer: p.reason for p in check_spec(spec, REFS, materials=MATERIAL_NAMES, owner="A01")}


AGREE = Agreement(id="ok", label="承诺", required=True, text="我承诺")


def test_a_sound_spec_has_no_problems() -> None:
    spec = spec_of(
        SelectInput(
            id="kind", label="类型", options=[Option(value="a", label="A"), Option(value="b", label="B")]
        ),
        TextInput(
            id="note", label="说明", pattern="[0-9]{3}", visible_when=FieldEquals(field="kind", value="b")
        ),
        UploadSlot(id="doc", label="申请书", material="申请书"),
        AGREE,
    )
    assert check_spec(spec, REFS, materials=MATERIAL_NAMES, owner="A01") == []


def test_each_problem_names_its_place() -> None:
    spec = spec_of(
        SelectInput(
            id="kind", label="类型", options=[Option(value="a", label="A"), Option(value="a", label="B")]
        ),
        TextInput(id="kind", label="重复", pattern="(a", min_length=9, max_length=3),
        TextInput(id="self", label="自指", visible_when=Not(condition=FieldEquals(field="self", value="x"))),
        TextInput(id="ghost", label="幽灵", required_when=FieldEquals(field="nobody", value="x")),
        TextInput(id="never", label="不可能", visible_when=FieldEquals(field="kind", value="z")),
        TextInput(id="who", label="谁", prefill=Prefill(source="profile", path="shoe_size")),
        UploadSlot(id="doc", label="材料", material="户口本"),
        CheckboxInput(
            id="tags", label="标签", options=[Option(value="a", label="A")], min_selected=2, max_selected=3
        ),
        Section(title="节", components=[Agreement(id="ok", label="承诺", text="我承诺")]),
    )
    base = "/form/steps/0/components"
    assert problems_of(spec) == {
        f"{base}/0/id": "field id 'kind' is used more than once in the form",
        f"{base}/0/options/1/value": "option value 'a' is used twice",
        f"{base}/1/id": "field id 'kind' is used more than once in the form",
        f"{base}/1/pattern": "the pattern is not a valid RE2 regular expression",
        f"{base}/1/min_length": "min_length is greater than max_length",
        f"{base}/2/visible_when/condition/field": (
            "a field's condition cannot depend on the field itself ('self')"
        ),
        f"{base}/3/required_when/field": "no field 'nobody' in this form",
        f"{base}/4/visible_when/value": "'z' is not an option of field 'kind'",
        f"{base}/5/prefill/path": (
            "unknown profile path 'shoe_size'; known: "
            "enterprise.credit_code, enterprise.name, id_number, mobile, name"
        ),
        f"{base}/6/material": "A01 has no material named '户口本'",
        f"{base}/7/min_selected": "min_selected exceeds the 1 options",
        f"{base}/7/max_selected": "max_selected exceeds the 1 options",
        f"{base}/8/components/0/required": "an agreement must be required",
    }


def test_patterns_are_re2_so_backreferences_are_refused() -> None:
    # Python's re accepts a back-reference; RE2 (linear time) does not, so no department pattern can hang us.
    spec = spec_of(TextInput(id="x", label="x", pattern=r"(a+)\1"), AGREE)
    assert list(problems_of(spec)) == ["/form/steps/0/components/0/pattern"]


def test_an_e_licence_binding_names_a_licence_field() -> None:
    bound = Prefill(source="e_licence", path="shoe_size", licence_type="resident_id")
    spec = spec_of(TextInput(id="x", label="x", prefill=bound), AGREE)
    problems = problems_of(spec)
    assert list(problems) == ["/form/steps/0/components/0/prefill/path"]
    assert "unknown e-licence field 'shoe_size'" in problems["/form/steps/0/components/0/prefill/path"]
    fine = Prefill(source="e_licence", path="number", licence_type="resident_id")
    assert problems_of(spec_of(TextInput(id="x", label="x", prefill=fine), AGREE)) == {}


def test_an_empty_form_is_refused() -> None:
    spec = spec_of(AGREE)
    spec.form.steps.clear()
    assert "/form/steps" in problems_of(spec)


@settings(max_examples=300, deadline=None)
@given(spec=strategies.specs)
def test_generated_specs_never_raise_and_every_problem_points_into_the_spec(spec: RenderSpec) -> None:
    document = msgspec.to_builtins(spec)
    for problem in check_spec(spec, REFS, materials=MATERIAL_NAMES, owner="A01"):
        assert problem.reason
        assert exists(document, problem.pointer) or parent_exists(document, problem.pointer), problem


def _group(*components: object, **extra: object) -> Repeat:
    return Repeat(id="members", label="成员", item_label="成员 {n}", components=list(components), **extra)  # type: ignore[arg-type]


def test_a_sound_repeat_has_no_problems() -> None:
    group = _group(
        SelectInput(
            id="kind", label="类型", options=[Option(value="a", label="A"), Option(value="b", label="B")]
        ),
        # Ids inside a group may repeat a top-level id; a sibling and a top-level field can both be read.
        TextInput(id="note", label="说明", visible_when=FieldEquals(field="kind", value="b")),
        TextInput(id="extra", label="补充", required_when=FieldEquals(field="top", value="b")),
        required=True,
        min_items=1,
    )
    top = SelectInput(id="top", label="顶层", options=[Option(value="b", label="B")])
    after = TextInput(id="note", label="备注", visible_when=FieldFilled(field="members"))
    spec = msgspec.structs.replace(spec_of(top, group, after, AGREE), spec_version="1.1")
    assert check_spec(spec, REFS, materials=MATERIAL_NAMES, owner="A01") == []


def test_each_repeat_problem_names_its_place() -> None:
    group = _group(
        TextInput(id="name", label="姓名", prefill=Prefill(source="profile", path="name")),
        TextInput(id="name", label="重名", visible_when=FieldEquals(field="ghost", value="x")),
        TextInput(id="age", label="年龄", visible_when=FieldFilled(field="age")),
        required=True,
        min_items=0,
    )
    spec = spec_of(
        group,
        TextInput(id="outside", label="外", visible_when=FieldFilled(field="age")),
        TextInput(id="count", label="数", visible_when=FieldEquals(field="members", value="x")),
        _group(TextInput(id="x", label="x"), min_items=5, max_items=2),
        AGREE,
    )
    spec = msgspec.structs.replace(spec, spec_version="1.0")  # declares a version that has no repeat
    base = "/form/steps/0/components"
    assert problems_of(spec) == {
        f"{base}/0/type": "'repeat' needs spec_version 1.1 or later",
        f"{base}/0/min_items": "a required repeat needs min_items of at least 1",
        f"{base}/0/components/0/id": "field id 'name' is used more than once in repeat 'members'",
        f"{base}/0/components/0/prefill": "a field inside a repeat takes no prefill",
        f"{base}/0/components/1/id": "field id 'name' is used more than once in repeat 'members'",
        f"{base}/0/components/1/visible_when/field": "no field 'ghost' in this form",
        f"{base}/0/components/2/visible_when/field": (
            "a field's condition cannot depend on the field itself ('age')"
        ),
        f"{base}/1/visible_when/field": (
            "field 'age' is inside repeat 'members': only its entries can read it"
        ),
        f"{base}/2/visible_when": "repeat 'members' can only be tested with 'filled' (has an entry)",
        f"{base}/3/id": "field id 'members' is used more than once in the form",
        f"{base}/0/id": "field id 'members' is used more than once in the form",
        f"{base}/3/type": "'repeat' needs spec_version 1.1 or later",
        f"{base}/3/min_items": "min_items is greater than max_items",
    }


def test_a_spec_newer_than_the_server_is_refused() -> None:
    spec = msgspec.structs.replace(spec_of(AGREE), spec_version="1.9")
    assert problems_of(spec) == {"/spec_version": "this server knows render spec versions up to 1.1"}


def test_a_repeat_cannot_nest_or_hold_display_components() -> None:
    document = msgspec.to_builtins(_group(TextInput(id="x", label="x")))
    for inner in (
        document,
        {"type": "notice", "text": "x"},
        {"type": "section", "title": "x", "components": []},
    ):
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert({**document, "components": [inner]}, Repeat)
    with pytest.raises(msgspec.ValidationError):  # bounded
        msgspec.convert({**document, "max_items": 51}, Repeat)
