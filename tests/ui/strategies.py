"""Hypothesis strategies: render specs (valid and broken), JSON payloads, and valid answers to a form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from ishenzhen.catalog.model import Material
from ishenzhen.lib.validators import resident_id_check_char
from ishenzhen.ui.model import (
    AddressInput,
    Agreement,
    AllOf,
    AnyOf,
    CheckboxInput,
    DateInput,
    ELicencePicker,
    FieldEquals,
    FieldFilled,
    FieldIn,
    Form,
    FormStep,
    Guide,
    GuideSection,
    MobileInput,
    Not,
    Notice,
    NumberInput,
    Option,
    Prefill,
    RadioInput,
    RenderSpec,
    Repeat,
    ResidentIdInput,
    Section,
    SelectInput,
    TextInput,
    UploadSlot,
    WebLink,
)

DISTRICTS = frozenset({"440303", "440304", "440305"})
LICENCES = frozenset({"resident_id", "business_licence"})
MATERIALS = [Material(name="申请书", form="paper_or_electronic"), Material(name="照片", form="electronic")]

field_ids = st.sampled_from(
    ["name", "age", "kind", "day", "phone", "idno", "addr", "doc", "lic", "ok", "tags"]
)
patterns = st.sampled_from([None, "[0-9]+", "[A-Z]{2}[0-9]{4}", "\\p{Han}{2,10}", "(a", "(a)\\1", "x{2,1}"])
texts = st.text(min_size=1, max_size=8)
option_values = st.sampled_from(["a", "b", "c", "d"])
options = st.lists(st.builds(Option, value=option_values, label=texts), min_size=1, max_size=4)
scalars = st.one_of(option_values, st.integers(-3, 3), st.booleans())


def conditions(depth: int = 2) -> st.SearchStrategy[Any]:
    leaves = st.one_of(
        st.builds(FieldEquals, field=field_ids, value=scalars),
        st.builds(FieldIn, field=field_ids, values=st.lists(scalars, min_size=1, max_size=3)),
        st.builds(FieldFilled, field=field_ids),
    )
    if depth == 0:
        return leaves
    inner = conditions(depth - 1)
    return st.one_of(
        leaves,
        st.builds(AllOf, conditions=st.lists(inner, min_size=1, max_size=2)),
        st.builds(AnyOf, conditions=st.lists(inner, min_size=1, max_size=2)),
        st.builds(Not, condition=inner),
    )


maybe_condition = st.one_of(st.none(), conditions())
prefills = st.one_of(
    st.none(),
    st.builds(Prefill, source=st.just("profile"), path=st.sampled_from(["name", "mobile", "id_number", "x"])),
    st.builds(
        Prefill,
        source=st.just("e_licence"),
        path=st.just("number"),
        licence_type=st.sampled_from([None, "resident_id", "nope"]),
    ),
)


def _field(cls: type, **extra: Any) -> st.SearchStrategy[Any]:
    return st.builds(
        cls,
        id=field_ids,
        label=texts,
        required=st.booleans(),
        visible_when=maybe_condition,
        required_when=maybe_condition,
        prefill=prefills,
        **extra,
    )


small = st.one_of(st.none(), st.integers(0, 5))
field_components = st.one_of(
    _field(TextInput, pattern=patterns, min_length=small, max_length=st.integers(1, 12)),
    _field(
        NumberInput,
        minimum=st.one_of(st.none(), st.floats(-5, 5)),
        maximum=st.one_of(st.none(), st.floats(-5, 5)),
        integer=st.booleans(),
    ),
    _field(
        DateInput,
        earliest=st.sampled_from([None, "today", "2020-01-01", "2024-02-30"]),
        latest=st.sampled_from([None, "today", "2030-12-31", "2019-01-01"]),
    ),
    _field(SelectInput, options=options),
    _field(RadioInput, options=options),
    _field(
        CheckboxInput,
        options=options,
        min_selected=small,
        max_selected=st.one_of(st.none(), st.integers(1, 5)),
    ),
    _field(ResidentIdInput),
    _field(MobileInput),
    _field(
        AddressInput,
        districts=st.one_of(st.none(), st.lists(st.sampled_from(["440304", "440305", "999999"]))),
    ),
    _field(
        UploadSlot, material=st.sampled_from(["申请书", "照片", "不存在的材料"]), max_files=st.integers(1, 3)
    ),
    _field(
        ELicencePicker,
        licence_type=st.sampled_from(["resident_id", "business_licence", "nope"]),
        material=st.sampled_from([None, "申请书", "不存在"]),
    ),
    _field(Agreement, text=texts),
)
display = st.one_of(
    st.builds(Notice, text=texts, visible_when=maybe_condition),
    st.builds(WebLink, label=texts, url=st.just("https://example.gov.cn/x")),
)
# Repeats: their ids come from the same pool as fields (so clashes and conditions on them are generated
# too), their entry fields may carry prefills and duplicate ids (both refused by the checks).
repeats = st.builds(
    Repeat,
    id=st.one_of(field_ids, st.just("members")),
    label=texts,
    item_label=st.just("成员 {n}"),
    required=st.booleans(),
    min_items=st.integers(0, 3),
    max_items=st.integers(1, 4),
    components=st.lists(field_components, min_size=1, max_size=3),
    visible_when=maybe_condition,
)
components = st.one_of(
    field_components,
    display,
    repeats,
    st.builds(
        Section,
        title=texts,
        visible_when=maybe_condition,
        components=st.lists(st.one_of(field_components, display, repeats), min_size=1, max_size=3),
    ),
)
step_ids = st.sampled_from(["one", "two", "three"])
specs = st.builds(
    RenderSpec,
    guide=st.builds(
        Guide, sections=st.lists(st.builds(GuideSection, id=step_ids, title=texts), min_size=1, max_size=2)
    ),
    form=st.builds(
        Form,
        steps=st.lists(
            st.builds(
                FormStep, id=step_ids, title=texts, components=st.lists(components, min_size=1, max_size=5)
            ),
            min_size=1,
            max_size=3,
        ),
    ),
)

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        ["13800000001", "440303198503120017", "2024-05-01", "a", "upl_ABCDEFGH12", "elc_12345678"]
    ),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
# What a repeat is sent: a list of entries keyed (mostly) by field ids, sometimes not a list of objects.
entries = st.lists(
    st.one_of(
        st.dictionaries(st.one_of(field_ids, st.text(max_size=4)), json_values, max_size=4), json_leaves
    ),
    max_size=5,
)
payloads = st.dictionaries(
    st.one_of(field_ids, st.just("members"), st.text(max_size=6)), st.one_of(json_values, entries), max_size=8
)


def resident_id(birth: dt.date, sequence: int) -> str:
    body = f"440304{birth:%Y%m%d}{sequence:03d}"
    return body + resident_id_check_char(body)
