"""Capability negotiation: the header, the cache key, and fallbacks that send only what the app draws."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ishenzhen.catalog.default_spec import default_spec
from ishenzhen.catalog.model import Catalog
from ishenzhen.errors import InvalidInput
from ishenzhen.ui._walk import fields, node_type, walk
from ishenzhen.ui.capabilities import Capabilities, adapt
from ishenzhen.ui.checks import SpecReferences
from ishenzhen.ui.model import (
    COMPONENT_TYPES,
    DateInput,
    Form,
    FormStep,
    RenderSpec,
    Repeat,
    TextInput,
    WebLink,
)
from ishenzhen.ui.submission import validate_submission
from tests.ui import strategies

URL = "https://www.gdzwfw.gov.cn/portal/guide/X"


def test_no_header_means_everything_of_spec_1_0() -> None:
    everything = Capabilities.parse(None)
    assert everything.components == frozenset(COMPONENT_TYPES) - {"repeat"}
    assert Capabilities.parse("spec=1.0").cache_key == everything.cache_key == "spec=1.0;components=*"
    assert Capabilities.parse("spec=1.1").components == frozenset(COMPONENT_TYPES)


def test_an_app_of_spec_1_0_never_gets_a_repeat_even_if_it_names_one() -> None:
    assert "repeat" not in Capabilities.parse("spec=1.0; components=repeat,text_input").components
    assert "repeat" in Capabilities.parse("spec=1.1; components=repeat,text_input").components
    assert Capabilities.parse("spec=1.7").cache_key == "spec=1.1;components=*"


def test_equivalent_headers_share_a_cache_key_and_unknown_names_are_ignored() -> None:
    a = Capabilities.parse("spec=1.1; components=text_input,select")
    b = Capabilities.parse(" components = select ,text_input,signature_pad ; spec=1.3; future=yes ")
    assert a == b and a.cache_key == "spec=1.1;components=select,text_input,web_link"


@pytest.mark.parametrize(
    "header",
    [
        "components=text_input",
        "spec=2.0",
        "spec=one",
        "spec=1.0; spec=1.0",
        "spec=1.0; components=Text!",
        "garbage",
        "spec=1.0;" + "x" * 2000,
    ],
)
def test_a_malformed_header_is_refused_naming_the_header(header: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        Capabilities.parse(header)
    assert [(e.location, e.name) for e in raised.value.errors] == [("header", "Ishenzhen-Render")]


def _types(form: Form) -> set[str]:
    return {node_type(located.component) for located in walk(form)}


subsets = st.sets(st.sampled_from(COMPONENT_TYPES)).map(
    lambda s: Capabilities.parse(f"spec=1.1;components={','.join(s)}")
)


@settings(max_examples=300, deadline=None)
@given(spec=strategies.specs, capabilities=subsets)
def test_an_app_never_receives_a_component_it_did_not_declare(
    spec: RenderSpec, capabilities: Capabilities
) -> None:
    adapted = adapt(spec.form, capabilities, web_url=URL)
    assert _types(adapted) <= capabilities.components | {"web_link"}
    if _types(adapted) == {"web_link"} and _types(spec.form) != {"web_link"}:
        return  # the whole form fell back to the web page
    before = {loc.component.id: loc.component for loc in fields(spec.form)}  # type: ignore[union-attr]
    after = {loc.component.id: loc.component for loc in fields(adapted)}  # type: ignore[union-attr]
    assert before.keys() == after.keys()
    for field_id, field in after.items():
        original = before[field_id]
        # Required-ness, conditions and prefill survive every fallback; patterns too.
        names = ("required", "required_when", "prefill")
        assert [getattr(field, n, None) for n in names] == [getattr(original, n, None) for n in names]
        if isinstance(original, TextInput):
            assert isinstance(field, TextInput) and field.pattern == original.pattern


def test_fallbacks_keep_the_checks_that_matter(catalogue: Catalog) -> None:
    item = next(i for i in catalogue.items if i.audience == "natural_person")
    form = default_spec(item).form
    drawn = adapt(
        form, Capabilities.parse("spec=1.0; components=text_input,upload,agreement,notice"), web_url=URL
    )
    by_id = {loc.component.id: loc.component for loc in fields(drawn)}  # type: ignore[union-attr]
    mobile, id_number = by_id["contact_mobile"], by_id["applicant_id_number"]
    assert isinstance(mobile, TextInput) and mobile.pattern == "1[3-9][0-9]{9}" and mobile.required
    assert isinstance(id_number, TextInput) and id_number.required
    refs = SpecReferences(e_licence_types=frozenset(), districts=frozenset())
    spec = RenderSpec(guide=default_spec(item).guide, form=drawn)
    problems = validate_submission(spec, {"contact_mobile": "10086"}, refs, dt.date(2026, 1, 1))
    assert {p.pointer for p in problems} >= {"/contact_mobile", "/applicant_id_number", "/applicant_name"}


def test_a_form_with_no_possible_fallback_becomes_a_web_link(catalogue: Catalog) -> None:
    form = default_spec(catalogue.items[0]).form
    drawn = adapt(form, Capabilities.parse("spec=1.0; components=text_input"), web_url=URL)  # no agreement
    [step] = drawn.steps
    assert step.components == [
        WebLink(label="在网页中继续办理", label_en="Continue in the web page", url=URL)
    ]


def test_an_app_drawing_everything_gets_the_form_unchanged(catalogue: Catalog) -> None:
    form = default_spec(catalogue.items[0]).form
    assert adapt(form, Capabilities.parse(None), web_url=URL) is form


SHAREHOLDERS = Repeat(
    id="shareholders",
    label="股东",
    item_label="股东 {n}",
    required=True,
    min_items=1,
    components=[
        TextInput(id="name", label="姓名", required=True),
        DateInput(id="due", label="出资期限", required=True, earliest="today"),
    ],
)
GROUP_FORM = Form(
    steps=[FormStep(id="s", title="股东", components=[TextInput(id="company", label="名称"), SHAREHOLDERS])]
)


@pytest.mark.parametrize(
    "header",
    [
        None,  # an app that sends no header predates spec 1.1
        "spec=1.0",
        "spec=1.0; components=repeat,text_input,date_input",  # names it, but 1.0 has no repeat
        "spec=1.1; components=text_input,date_input",
    ],
)
def test_an_app_that_does_not_draw_repeat_gets_the_web_link_for_the_whole_form(header: str | None) -> None:
    drawn = adapt(GROUP_FORM, Capabilities.parse(header), web_url=URL)
    assert _types(drawn) == {"web_link"}
    assert drawn.steps[0].components == [
        WebLink(label="在网页中继续办理", label_en="Continue in the web page", url=URL)
    ]


def test_an_app_that_draws_repeat_gets_it_with_its_entry_fields_fallen_back() -> None:
    assert adapt(GROUP_FORM, Capabilities.parse("spec=1.1"), web_url=URL) is GROUP_FORM
    drawn = adapt(GROUP_FORM, Capabilities.parse("spec=1.1; components=repeat,text_input"), web_url=URL)
    [_, group] = drawn.steps[0].components
    assert isinstance(group, Repeat) and (group.id, group.required, group.min_items) == (
        "shareholders",
        True,
        1,
    )
    name, due = group.components
    assert name == SHAREHOLDERS.components[0]
    assert isinstance(due, TextInput) and due.required and due.pattern == "[0-9]{4}-[0-9]{2}-[0-9]{2}"


def test_component_names_of_any_future_spelling_are_ignored_not_refused() -> None:
    # A newer app may declare components this server has never heard of, spelled its own way.
    plain = Capabilities.parse("spec=1.1; components=text_input,select")
    newer = Capabilities.parse("spec=1.1; components=text_input,date-range,Signature.Pad,select," + "x" * 60)
    assert newer == plain


def test_the_readme_names_every_component_identifier_beside_the_header() -> None:
    from pathlib import Path

    from ishenzhen.ui.model import COMPONENT_TYPES

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Ishenzhen-Render") :][:3000]
    missing = [name for name in sorted(COMPONENT_TYPES) if f"`{name}`" not in section]
    assert missing == []
