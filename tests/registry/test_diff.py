"""Field-level differences as JSON pointers, and msgspec paths as pointers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.registry.diff import field_changes, pointer, pointer_of_path

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=10,
)


def test_pointers_escape_tilde_and_slash() -> None:
    assert pointer("a/b", "c~d", 0) == "/a~1b/c~0d/0"
    assert pointer() == ""


def test_msgspec_paths_become_pointers() -> None:
    assert pointer_of_path("$.materials[0].name") == "/materials/0/name"
    assert pointer_of_path("$") == ""
    assert pointer_of_path("$[2]") == "/2"
    assert pointer_of_path("$.form.steps[1].components[3].pattern") == "/form/steps/1/components/3/pattern"


def test_changes_name_each_field() -> None:
    before = {"name": "甲", "materials": [{"name": "身份证"}, {"name": "户口簿"}], "fees": []}
    after = {"name": "乙", "materials": [{"name": "身份证"}], "fees": [], "keywords": ["x"]}
    changes = {c.pointer: (c.op, c.before, c.after) for c in field_changes(before, after)}
    assert changes["/name"][0] == "replace" and changes["/name"][1:] == ("甲", "乙")
    assert changes["/materials/1"][0] == "remove" and changes["/materials/1"][1] == {"name": "户口簿"}
    assert changes["/keywords"][0] == "add"
    assert len(changes) == 3


def _resolve(document: object, at: str) -> object:
    for token in at.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        document = document[int(token)] if isinstance(document, list) else document[token]  # type: ignore[index]
    return document


@given(json_values, json_values)
def test_every_change_points_at_the_values_it_reports(before: object, after: object) -> None:
    changes = field_changes(before, after)
    if not changes:
        assert before == after
    for change in changes:
        if change.op in ("replace", "remove"):
            assert _resolve(before, change.pointer) == change.before
        if change.op in ("replace", "add"):
            assert _resolve(after, change.pointer) == change.after
