"""Prefill from the profile and from valid licences: only bound fields, only known values."""

from __future__ import annotations

from ishenzhen.catalog.default_spec import default_spec
from ishenzhen.catalog.model import Catalog
from ishenzhen.ui.model import ELicencePicker, Form, FormStep, Prefill, Repeat, Section, TextInput
from ishenzhen.ui.prefill import (
    HeldLicence,
    PrefillProfile,
    apply_licences,
    apply_prefill,
    licence_bindings,
    profile_bindings,
    waive_materials,
)


def test_a_natural_persons_form_is_filled_from_the_profile(catalogue: Catalog) -> None:
    spec = default_spec(next(i for i in catalogue.items if i.audience == "natural_person"))
    profile = PrefillProfile(name="张伟", id_number="440303198503120017", mobile="13800000002")
    assert apply_prefill(spec, profile) == {
        "applicant_name": "张伟",
        "applicant_id_number": "440303198503120017",
        "contact_mobile": "13800000002",
    }
    assert apply_prefill(spec.form, PrefillProfile(mobile="13800000001")) == {"contact_mobile": "13800000001"}


def test_an_enterprise_form_takes_the_enterprise_acted_for(catalogue: Catalog) -> None:
    spec = default_spec(next(i for i in catalogue.items if i.audience == "legal_person"))
    profile = PrefillProfile(
        name="李娜", enterprise_name="深圳市示例科技有限公司", enterprise_credit_code="91440300MA5FDEMQ01"
    )
    values = apply_prefill(profile_bindings(spec), profile)
    assert values == {
        "enterprise_name": "深圳市示例科技有限公司",
        "enterprise_credit_code": "91440300MA5FDEMQ01",
        "contact_name": "李娜",
    }


def test_e_licence_bindings_are_not_profile_values() -> None:
    form = Form(
        steps=[
            FormStep(
                id="s",
                title="s",
                components=[
                    TextInput(
                        id="plate",
                        label="号牌",
                        prefill=Prefill(source="e_licence", path="plate", licence_type="vehicle_licence"),
                    ),
                ],
            )
        ]
    )
    assert apply_prefill(form, PrefillProfile(name="张伟")) == {}


def test_fields_inside_a_repeat_are_never_prefilled() -> None:
    # The checks refuse such a binding; were one published anyway, no entry would get the account's name.
    bound = Prefill(source="profile", path="name")
    group = Repeat(
        id="members",
        label="成员",
        item_label="成员 {n}",
        components=[TextInput(id="name", label="姓名", prefill=bound)],
    )
    form = Form(
        steps=[
            FormStep(id="s", title="s", components=[TextInput(id="me", label="本人", prefill=bound), group])
        ]
    )
    assert profile_bindings(form) == (("me", "name"),)
    assert apply_prefill(form, PrefillProfile(name="张伟")) == {"me": "张伟"}


DEGREE = HeldLicence(
    type="degree_certificate",
    type_name="学位证书",
    reference="elc_0123456789abcdef",
    values={"number": "DC0747347620", "level": "bachelor", "issued_on": "2007-03-12", "expires_on": ""},
)


def _licence_form() -> Form:
    level = TextInput(
        id="degree_level",
        label="学位",
        prefill=Prefill(source="e_licence", path="level", licence_type="degree_certificate"),
    )
    expiry = TextInput(
        id="degree_expiry",
        label="有效期",
        prefill=Prefill(source="e_licence", path="expires_on", licence_type="degree_certificate"),
    )
    picker = ELicencePicker(id="degree", label="学位证书", required=True, licence_type="degree_certificate")
    other = ELicencePicker(id="permit", label="居住证", licence_type="residence_permit")
    section = Section(title="材料", components=[picker, other])
    return Form(steps=[FormStep(id="s", title="s", components=[level, expiry, section])])


def test_valid_licences_fill_their_bindings_and_stand_in_for_their_materials() -> None:
    form = _licence_form()
    bindings = licence_bindings(form)
    assert bindings.types == {"degree_certificate", "residence_permit"}
    values, stood_in = apply_licences(bindings, {"degree_certificate": DEGREE})
    # An empty licence value (no expiry) is not a value: the field is left for the applicant.
    assert values == {"degree_level": "bachelor", "degree": "elc_0123456789abcdef"}
    assert list(stood_in) == ["degree"] and stood_in["degree"].number == "DC0747347620"
    steps = waive_materials(form.steps, stood_in, english=False)
    section = steps[0].components[2]
    assert isinstance(section, Section)
    degree, permit = section.components
    assert isinstance(degree, ELicencePicker) and degree.prefill is not None and degree.prefill.locked
    assert degree.help is not None and "免提交" in degree.help
    assert permit == form.steps[0].components[2].components[1]  # type: ignore[union-attr]
    assert apply_licences(bindings, {}) == ({}, {})
    assert waive_materials(form.steps, {}, english=True) is form.steps
