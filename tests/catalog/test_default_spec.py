"""Every real_catalog item gets a working default spec: checked, round-tripped, and shaped by the item."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from ishenzhen.approvals import RuleSet, register
from ishenzhen.approvals.catalogue import cached_rule_sets
from ishenzhen.catalog.default_spec import default_spec, spec_for
from ishenzhen.catalog.model import Catalog, Material, ServiceItem
from ishenzhen.catalog.spec_checks import check_item_spec
from ishenzhen.ui._walk import fields, walk
from ishenzhen.ui.checks import SpecReferences
from ishenzhen.ui.model import (
    AddressInput,
    Agreement,
    ELicencePicker,
    Notice,
    NumberInput,
    RadioInput,
    RenderSpec,
    UploadSlot,
)


@pytest.fixture(scope="module")
def refs(real_catalog: Catalog) -> SpecReferences:
    return SpecReferences(
        e_licence_types=frozenset(e.code for e in real_catalog.e_licence_types),
        districts=frozenset(d.code for d in real_catalog.districts),
    )


def field_map(spec: RenderSpec) -> dict[str, object]:
    return {located.component.id: located.component for located in fields(spec.form)}  # type: ignore[union-attr]


def first(real_catalog: Catalog, **wanted: object) -> ServiceItem:
    return next(i for i in real_catalog.items if all(getattr(i, k) == v for k, v in wanted.items()))


def test_every_catalogue_item_has_a_default_spec_that_passes_the_checks_and_round_trips(
    real_catalog: Catalog, refs: SpecReferences
) -> None:
    encoder, decoder = msgspec.json.Encoder(), msgspec.json.Decoder(RenderSpec)
    assert len(real_catalog.items) == 7484
    for item in real_catalog.items:
        spec = default_spec(item)
        assert check_item_spec(spec, item, refs) == [], item.code
        assert spec.spec_version == "1.0"  # derived specs use no component added after 1.0
        encoded = encoder.encode(spec)
        assert decoder.decode(encoded) == spec, item.code  # decoding applies every msgspec constraint
        assert encoder.encode(decoder.decode(encoded)) == encoded
        if item.render_spec is None:
            assert spec_for(item) == spec  # no hand-written spec: the default is the published one
        else:
            assert spec_for(item) == item.render_spec
            assert check_item_spec(item.render_spec, item, refs) == [], item.code
    # The ten named instant-approval items carry hand-written specs (services_catalog/render_specs/).
    assert sum(item.render_spec is not None for item in real_catalog.items) == 10


def test_specs_are_deterministic(real_catalog: Catalog) -> None:
    item = real_catalog.items[1234]
    assert msgspec.json.encode(default_spec(item)) == msgspec.json.encode(default_spec(item))


def test_a_natural_person_is_asked_for_name_id_and_mobile_all_prefilled(real_catalog: Catalog) -> None:
    spec = default_spec(first(real_catalog, audience="natural_person"))
    by_id = field_map(spec)
    assert {"applicant_name", "applicant_id_number", "contact_mobile"} <= set(by_id)
    assert "enterprise_credit_code" not in by_id
    assert by_id["applicant_id_number"].prefill.path == "id_number"  # type: ignore[attr-defined]
    assert [s.title for s in spec.guide.sections][:5] == [
        "办理条件",
        "申请材料",
        "办理流程",
        "收费标准",
        "办理时限",
    ]
    assert spec.guide.sections[-1].title == "咨询与投诉"


def test_an_item_for_both_lets_the_applicant_choose_person_or_enterprise(real_catalog: Catalog) -> None:
    by_id = field_map(default_spec(first(real_catalog, audience="both")))
    choice = by_id["applicant_type"]
    assert isinstance(choice, RadioInput) and [o.label for o in choice.options] == ["个人", "企业或其他组织"]
    assert by_id["applicant_name"].visible_when.value == "person"  # type: ignore[attr-defined]
    assert by_id["enterprise_credit_code"].visible_when.value == "enterprise"  # type: ignore[attr-defined]


def test_materials_become_uploads_except_shared_data_which_is_fetched(real_catalog: Catalog) -> None:
    item = next(
        i for i in real_catalog.items if {m.source for m in i.materials} >= {"applicant", "shared_data"}
    )
    spec = default_spec(item)
    uploads = {c.material for c in (x.component for x in walk(spec.form)) if isinstance(c, UploadSlot)}
    supplied = {m.name for m in item.materials if m.source != "shared_data" and m.name != "申请表"}
    assert uploads == supplied
    notices = [c.text for c in (x.component for x in walk(spec.form)) if isinstance(c, Notice)]
    fetched = [m.name for m in item.materials if m.source == "shared_data"]
    assert any(all(name in text for name in fetched) and "无需上传" in text for text in notices)
    optional = [m for m in item.materials if not m.required and m.source == "applicant"]
    for located in walk(spec.form):
        if isinstance(located.component, UploadSlot) and located.component.material in {
            m.name for m in optional
        }:
            assert located.component.required is False


def test_a_material_with_an_e_licence_type_gets_a_licence_picker(
    real_catalog: Catalog, refs: SpecReferences
) -> None:
    item = real_catalog.items[0]
    material = Material(name="营业执照", form="electronic", e_licence_type="business_licence")
    edited = msgspec.structs.replace(item, materials=[material])
    spec = default_spec(edited)
    pickers = [c for c in (x.component for x in walk(spec.form)) if isinstance(c, ELicencePicker)]
    assert [(p.licence_type, p.material) for p in pickers] == [("business_licence", material.name)]
    assert check_item_spec(spec, edited, refs) == []


def test_postal_delivery_asks_for_an_address_only_when_by_post(real_catalog: Catalog) -> None:
    by_id = field_map(default_spec(next(i for i in real_catalog.items if "post" in i.channels)))
    address = by_id["delivery_address"]
    assert isinstance(address, AddressInput)
    assert address.visible_when == address.required_when
    assert isinstance(by_id["promise"], Agreement) and by_id["promise"].required


RULES = Path(__file__).resolve().parents[2] / "services_catalog" / "rules"


@pytest.fixture(scope="module")
def rule_sets() -> dict[str, RuleSet]:
    return cached_rule_sets(RULES)


def test_an_instant_items_default_spec_with_its_rule_set_passes_the_checks_and_round_trips(
    real_catalog: Catalog, refs: SpecReferences, rule_sets: dict[str, RuleSet]
) -> None:
    decoder = msgspec.json.Decoder(RenderSpec)
    for item in real_catalog.items:
        if item.code not in rule_sets:
            continue
        spec = default_spec(item, rule_sets[item.code])
        assert check_item_spec(spec, item, refs) == [], item.code
        assert decoder.decode(msgspec.json.encode(spec)) == spec, item.code
        assert spec.spec_version == "1.0"


def test_the_tax_year_is_asked_after_who_applies_as_its_declaration_says(
    real_catalog: Catalog, rule_sets: dict[str, RuleSet]
) -> None:
    item = first(real_catalog, code="040430001000440303")
    spec = spec_for(item, rule_sets[item.code])
    assert [step.id for step in spec.form.steps] == [
        "applicant",
        "application_details",
        "materials",
        "confirm",
    ]
    tax_year = field_map(spec)["tax_year"]
    assert isinstance(tax_year, NumberInput) and tax_year.required and tax_year.integer
    assert (tax_year.label, tax_year.label_en, tax_year.minimum, tax_year.maximum) == (
        "纳税年度",
        "Tax year",
        2000,
        2100,
    )
    assert spec.guide == default_spec(item).guide  # the guide is the item's, whatever the rules read


def test_a_field_the_form_already_asks_is_not_asked_twice(real_catalog: Catalog) -> None:
    item = first(real_catalog, code="040430001000440303")
    rule_set = register(
        {
            "item": item.code,
            "form": {"applicant_name": {"type": "string", "label": "姓名"}},
            "conditions": [
                {
                    "id": "named",
                    "when": "form.applicant_name == applicant.name",
                    "met": {"zh": "姓名一致", "en": "Names match"},
                    "not_met": {"zh": "姓名不一致", "en": "Names differ"},
                }
            ],
            "clerk": {"zh": "到窗口办理", "en": "See a clerk"},
        }
    )
    assert default_spec(item, rule_set) == default_spec(item)
