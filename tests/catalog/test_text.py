"""Query and name normalisation, pinyin and synonyms (``ishenzhen.catalog.text``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.catalog.text import (
    MAX_VARIANTS,
    is_pinyin_query,
    key_offsets,
    normalize,
    pinyin_syllables,
    search_key,
    synonym_variants,
    text_fold_table,
)


def test_normalize_folds_width_and_case_and_trims() -> None:
    assert normalize("  ＡＢＣ１２３　") == "abc123"
    assert normalize("Lao Ling") == "lao ling"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("住房公积金提取（租房）", "住房公积金提取租房"),
        ("住房公积金提取(租房)", "住房公积金提取租房"),
        ("lao ling jin tie", "laolingjintie"),
        ("  LaoLing　JinTie ", "laolingjintie"),
        ("社保，。、！？：；“”《》", "社保"),
        ("社保\x00\x1b\u200b卡", "社保卡"),
        ("😀🎉", ""),
        ("", ""),
        ("ＥＴＣ办理", "etc办理"),
        ("xi'an", "xian"),
    ],
)
def test_search_key(raw: str, key: str) -> None:
    assert search_key(raw) == key


@given(st.text())
def test_search_key_is_idempotent_and_only_letters_and_digits(raw: str) -> None:
    key = search_key(raw)
    assert all(ch.isalnum() for ch in key)
    assert search_key(key) == key


def test_key_offsets_point_back_into_the_original() -> None:
    mapped = key_offsets("住房公积金提取（租房）")
    assert mapped is not None
    key, origins = mapped
    assert key == "住房公积金提取租房"
    assert origins == [0, 1, 2, 3, 4, 5, 6, 8, 9]


@given(st.text(max_size=30))
def test_key_offsets_agree_with_search_key(raw: str) -> None:
    mapped = key_offsets(raw)
    if mapped is not None:
        key, origins = mapped
        assert key == search_key(raw)
        assert len(origins) == len(key)
        assert origins == sorted(origins)
        assert all(0 <= i < len(raw) for i in origins)


def test_pinyin_one_syllable_per_character() -> None:
    assert pinyin_syllables("老龄津贴发放") == ["lao", "ling", "jin", "tie", "fa", "fang"]
    # Phrase readings for heteronyms, v for ü, other characters stand for themselves.
    assert pinyin_syllables("银行") == ["yin", "hang"]
    assert pinyin_syllables("绿色") == ["lv", "se"]
    assert pinyin_syllables("etc卡5g") == ["e", "t", "c", "ka", "5", "g"]


def test_pinyin_memo_is_reused() -> None:
    memo: dict[str, list[str]] = {}
    assert pinyin_syllables("社会保险", memo) == ["she", "hui", "bao", "xian"]
    assert memo == {"社会保险": ["she", "hui", "bao", "xian"]}
    memo["社会保险"] = ["x", "y", "z", "w"]
    assert pinyin_syllables("社会保险", memo) == ["x", "y", "z", "w"]


@given(st.text(max_size=20))
def test_pinyin_syllables_never_raise_and_align(raw: str) -> None:
    key = search_key(raw)
    assert len(pinyin_syllables(key)) == len(key)


def test_is_pinyin_query() -> None:
    assert is_pinyin_query("laolingjintie")
    assert not is_pinyin_query("lao ling")
    assert not is_pinyin_query("5g")
    assert not is_pinyin_query("社保")
    assert not is_pinyin_query("")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("社保", {"社会保险"}),
        ("社会保险关系转移", {"社保关系转移"}),
        ("公积金提取", {"住房公积金提取"}),
        ("身份证", {"居民身份证"}),
        ("营业执照", {"企业设立登记", "个体工商户设立登记"}),
        ("企业设立登记", {"营业执照"}),
        ("网约车", {"网络预约出租汽车"}),
        ("医保报销", {"医疗保险报销", "医疗保障报销"}),
        ("驾照换证", {"驾驶证换证"}),
        ("户口迁移", {"户籍迁移"}),
        ("港澳通行证", {"往来港澳通行证"}),
        ("退休", {"养老"}),
        ("社保卡", {"社会保障卡"}),  # the longer term wins over 社保
    ],
)
def test_synonym_variants(key: str, expected: set[str]) -> None:
    assert set(synonym_variants(key)) == expected


def test_synonyms_do_not_expand_the_long_form_again() -> None:
    assert synonym_variants("住房公积金提取") == []
    assert synonym_variants("居民身份证换领") == []
    assert synonym_variants("老龄津贴发放") == []


@given(st.text(alphabet="社保公积金身份证医保驾照户口退休养老营业执照", max_size=40))
def test_synonym_variants_are_bounded_and_exclude_the_literal(key: str) -> None:
    variants = synonym_variants(key)
    assert len(variants) <= MAX_VARIANTS
    assert key not in variants
    assert len(set(variants)) == len(variants)


def test_text_fold_table_keeps_offsets() -> None:
    table = text_fold_table("（ＡＢ）㎡c")
    assert "（ＡＢ）㎡c".translate(table) == "(ab)㎡c"
