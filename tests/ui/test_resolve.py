"""Locale negotiation and localising spec nodes."""

from __future__ import annotations

import pytest

from ishenzhen.ui.model import FormStep, MobileInput, Notice, Option, RadioInput, Repeat, TextInput
from ishenzhen.ui.resolve import localise, negotiate_locale


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("fr, en;q=0.5, zh;q=0.4", "en"),
        ("de", "zh-CN"),
        ("en;q=0", "zh-CN"),
        ("en;q=abc", "zh-CN"),
        ("zh-TW", "zh-CN"),
    ],
)
def test_negotiate_locale(header: str | None, locale: str) -> None:
    assert negotiate_locale(header) == locale


STEP = FormStep(
    id="s",
    title="申请人",
    title_en="Applicant",
    components=[
        MobileInput(id="m", label="手机", label_en="Mobile"),
        RadioInput(
            id="r",
            label="类型",
            options=[Option(value="a", label="个人", label_en="Person"), Option(value="b", label="企业")],
        ),
        Notice(text="注意", text_en="Note"),
    ],
)


def test_english_uses_the_en_twins_and_falls_back_to_chinese() -> None:
    english = localise(STEP, "en")
    assert english.title == "Applicant" and english.title_en is None
    assert [c.label for c in english.components[:2]] == ["Mobile", "类型"]  # type: ignore[union-attr]
    assert [o.label for o in english.components[1].options] == ["Person", "企业"]  # type: ignore[union-attr]
    assert english.components[2].text == "Note"  # type: ignore[union-attr]


def test_chinese_drops_the_twins() -> None:
    chinese = localise([STEP], "zh-CN")[0]
    assert chinese.title == "申请人" and chinese.title_en is None
    assert chinese.components[0].label == "手机" and chinese.components[0].label_en is None  # type: ignore[union-attr]


def test_a_repeats_labels_and_its_entry_label_are_localised() -> None:
    group = Repeat(
        id="members",
        label="家庭成员",
        label_en="Family members",
        item_label="成员 {n}",
        item_label_en="Member {n}",
        components=[TextInput(id="name", label="姓名", label_en="Name")],
    )
    english = localise(group, "en")
    assert (english.label, english.item_label, english.components[0].label) == (
        "Family members",
        "Member {n}",
        "Name",
    )
    assert english.label_en is None and english.item_label_en is None
    chinese = localise(group, "zh-CN")
    assert (chinese.label, chinese.item_label, chinese.item_label_en) == ("家庭成员", "成员 {n}", None)
