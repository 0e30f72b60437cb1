"""Hand-written render specs: the ten named instant-approval items have one each, and a broken spec file is
reported with its file, line and field, like the items files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from ishenzhen.catalog.model import Catalog, ServiceItem
from ishenzhen.catalog.source._loading import read_catalog
from ishenzhen.catalog.source.facts import NAMED_INSTANT_APPROVALS
from ishenzhen.catalog.source.validator import Problem, load_catalog
from ishenzhen.ui.model import (
    AddressInput,
    Agreement,
    Component,
    DateInput,
    ELicencePicker,
    NumberInput,
    RadioInput,
    RenderSpec,
    Section,
    TextInput,
    UploadSlot,
)

COMMITTED = Path(__file__).resolve().parents[3] / "services_catalog"
SPECS = COMMITTED / "render_specs"
GRADUATE = "070120001000440300"  # 应届毕业生接收
# 老龄津贴发放 is a district item in all ten districts; Futian's stands for them.
ELDERLY_FUTIAN = "050080007000440304"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(COMMITTED)


def _named(catalog: Catalog) -> dict[str, ServiceItem]:
    with_spec = {item.name: item for item in catalog.items if item.render_spec is not None}
    return {name: with_spec[name] for name in NAMED_INSTANT_APPROVALS if name in with_spec}


def _components(components: list[Component]) -> Iterator[Component]:
    for component in components:
        yield component
        if isinstance(component, Section):
            yield from _components(component.components)


def test_the_ten_named_items_carry_their_hand_written_spec(catalog: Catalog) -> None:
    named = _named(catalog)
    assert sorted(named) == sorted(NAMED_INSTANT_APPROVALS)
    assert named["老龄津贴发放"].code == ELDERLY_FUTIAN
    assert sorted(path.stem for path in SPECS.glob("*.yaml")) == sorted(item.code for item in named.values())
    assert sum(item.render_spec is not None for item in catalog.items) == 10


def test_every_spec_file_decodes_on_its_own(catalog: Catalog) -> None:
    for path in SPECS.glob("*.yaml"):
        document = msgspec.yaml.decode(path.read_bytes())
        spec = msgspec.convert(document["render_spec"], RenderSpec)
        item = next(item for item in catalog.items if item.code == document["code"])
        assert item.render_spec == spec


@pytest.mark.parametrize("name", NAMED_INSTANT_APPROVALS)
def test_specs_refer_only_to_the_items_own_materials_and_known_licences(catalog: Catalog, name: str) -> None:
    item = _named(catalog)[name]
    assert item.render_spec is not None
    materials = {material.name: material for material in item.materials}
    licence_types = {licence.code for licence in catalog.e_licence_types}
    fields = [
        component
        for step in item.render_spec.form.steps
        for component in _components(step.components)
        if isinstance(component, UploadSlot | ELicencePicker)
    ]
    assert fields, "a spec of an instant-approval item binds at least one material"
    for component in fields:
        if isinstance(component, ELicencePicker):
            assert component.licence_type in licence_types, component.id
            if component.material is not None:
                assert materials[component.material].e_licence_type == component.licence_type, component.id
        else:
            assert component.material in materials, component.id
            assert materials[component.material].source == "applicant", f"{component.id}: 免提交 material"


def test_a_guide_a_real_applicant_recognises(catalog: Catalog) -> None:
    named = _named(catalog)
    for item in named.values():
        assert item.render_spec is not None
        sections = {section.id: section for section in item.render_spec.guide.sections}
        assert {"conditions", "materials", "process", "time_limit", "fees", "legal_basis", "faq"} <= set(
            sections
        )
        assert any("秒批" in text for text in sections["process"].paragraphs), item.name
        assert sections["legal_basis"].bullets == item.legal_basis
        shared = [material.name for material in item.materials if material.source == "shared_data"]
        assert all(
            any(line.startswith(name) and "免提交" in line for line in sections["materials"].bullets)
            for name in shared
        ), item.name
    graduate = named["应届毕业生接收"].render_spec
    assert graduate is not None
    by_id = {
        component.id: component
        for step in graduate.form.steps
        for component in _components(step.components)
        if hasattr(component, "id")
    }
    assert isinstance(by_id["graduation_date"], DateInput)
    assert isinstance(by_id["settle_address"], AddressInput)
    assert isinstance(by_id["employer_credit_code"], TextInput) and by_id["employer_credit_code"].pattern
    assert isinstance(by_id["diploma"], ELicencePicker) and by_id["diploma"].licence_type == "diploma"
    assert isinstance(by_id["commitment"], Agreement) and by_id["commitment"].required
    assert isinstance(by_id["hukou_type"], RadioInput)
    assert by_id["property_certificate_number"].required_when is not None  # type: ignore[union-attr]
    registration = named["企业设立登记"].render_spec
    assert registration is not None
    capital = next(
        component
        for step in registration.form.steps
        for component in _components(step.components)
        if getattr(component, "id", None) == "registered_capital"
    )
    assert isinstance(capital, NumberInput) and capital.unit == "万元"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "services_catalog"
    shutil.copytree(COMMITTED, root)
    return root


def _line(text: str, fragment: str, after: str = "") -> int:
    return text.count("\n", 0, text.index(fragment, text.index(after) if after else 0)) + 1


def _spec_problems(root: Path) -> list[Problem]:
    return [problem for problem in read_catalog(root).problems if "render_spec" in problem.file]


def test_an_unknown_key_is_reported_on_its_line(broken: Path) -> None:
    path = broken / "render_specs" / f"{GRADUATE}.yaml"
    text = path.read_text().replace("        max_length: 50\n", "        max_lenght: 50\n", 1)
    path.write_text(text)
    (problem,) = _spec_problems(broken)
    assert problem.file == str(path) and problem.item_code == GRADUATE
    assert problem.line == _line(text, "max_lenght")
    assert problem.field == "render_spec.form.steps[0].components[0].max_lenght"
    assert "unknown field" in problem.reason
    item = next(item for item in read_catalog(broken).catalog.items if item.code == GRADUATE)
    assert item.render_spec is None  # a broken spec attaches nothing: the item falls back to the default


def test_a_value_of_the_wrong_type_and_an_unknown_component(broken: Path) -> None:
    path = broken / "render_specs" / f"{GRADUATE}.yaml"
    text = path.read_text().replace("        label: 毕业院校\n", "        label: [毕业院校]\n", 1)
    path.write_text(text)
    (problem,) = _spec_problems(broken)
    assert problem.line == _line(text, "label: [毕业院校]")
    assert (
        "Expected `str`" in problem.reason and problem.field is not None and problem.field.endswith(".label")
    )
    path.write_text(
        text.replace("label: [毕业院校]", "label: 毕业院校").replace("type: agreement", "type: consent")
    )
    (problem,) = _spec_problems(broken)
    assert problem.line == _line(path.read_text(), "type: consent")
    assert "consent" in problem.reason


def test_a_spec_of_an_unknown_item_a_misnamed_file_and_a_duplicate(broken: Path) -> None:
    specs = broken / "render_specs"
    original = (specs / f"{GRADUATE}.yaml").read_text()
    (specs / "070120001999440300.yaml").write_text(original.replace(GRADUATE, "070120001999440300"))
    (specs / "copy.yaml").write_text(original)
    problems = {Path(problem.file).name: problem for problem in _spec_problems(broken)}
    assert set(problems) == {"070120001999440300.yaml", "copy.yaml"}
    unknown = problems["070120001999440300.yaml"]
    assert "no item has the code" in unknown.reason and unknown.line == _line(original, "code: ")
    assert "duplicate" in problems["copy.yaml"].reason and f"{GRADUATE}.yaml" in problems["copy.yaml"].reason
    (specs / f"{GRADUATE}.yaml").unlink()
    problems = {Path(problem.file).name: problem for problem in _spec_problems(broken)}
    assert f"belongs in `{GRADUATE}.yaml`" in problems["copy.yaml"].reason


def test_malformed_yaml_and_a_spec_in_an_items_file(broken: Path) -> None:
    specs = broken / "render_specs"
    (specs / f"{GRADUATE}.yaml").write_text("code: '070120001000440300'\nrender_spec: [\n")
    items = broken / "items" / "transport.yaml"
    text = items.read_text()
    at = text.index("  popularity: ")
    items.write_text(text[:at] + "  render_spec:\n    guide: {}\n" + text[at:])
    problems = read_catalog(broken).problems
    malformed = next(problem for problem in problems if problem.file == str(specs / f"{GRADUATE}.yaml"))
    assert "not valid YAML" in malformed.reason and malformed.line is not None
    inline = next(problem for problem in problems if problem.file == str(items))
    assert inline.field is not None and inline.field.startswith("render_spec")
    assert inline.line == text.count("\n", 0, at) + 1
