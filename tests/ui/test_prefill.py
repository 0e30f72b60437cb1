"""Prefill from the profile: only bound fields, only known values; e-licence bindings wait for the wallet."""

from __future__ import annotations

from ishenzhen.catalog.default_spec import default_spec
from ishenzhen.catalog.model import Catalog
from ishenzhen.ui.model import Form, FormStep, Prefill, Repeat, TextInput
from ishenzhen.ui.prefill import PrefillProfile, apply_prefill, profile_bindings


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


def test_e_licence_bindings_are_left_for_the_wallet() -> None:
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
