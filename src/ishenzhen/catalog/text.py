"""Text handling shared by the search index and its queries: normalisation, pinyin, synonyms.

Everything here is pure and deterministic. Names and queries go through the same :func:`search_key`, so a
name typed exactly as it is written always finds itself, whatever its width, case or punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from pypinyin import lazy_pinyin

__all__ = [
    "SYNONYM_GROUPS",
    "is_pinyin_query",
    "key_offsets",
    "normalize",
    "pinyin_syllables",
    "search_key",
    "synonym_variants",
    "text_fold_table",
]

# Abbreviations and official names as citizens use them on government portals. The first member of a group
# is the hub (usually the colloquial form), the others are official names. A query containing the hub is also
# tried with each official name in its place, and a query containing an official name with the hub: so
# 营业执照 finds 企业设立登记 and 个体工商户设立登记 and each of these finds 营业执照, but 企业设立登记 does
# not claim to mean 个体工商户设立登记.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("社保", "社会保险"),
    ("社保卡", "社会保障卡"),
    ("公积金", "住房公积金"),
    ("身份证", "居民身份证"),
    ("营业执照", "企业设立登记", "个体工商户设立登记"),
    ("网约车", "网络预约出租汽车"),
    ("医保", "医疗保险", "医疗保障"),
    ("驾照", "驾驶证"),
    ("户口", "户籍"),
    ("落户", "户籍迁入"),
    ("港澳通行证", "往来港澳通行证"),
    ("台湾通行证", "往来台湾通行证"),
    ("退休", "养老"),
    ("低保", "最低生活保障"),
    ("失业金", "失业保险金"),
    ("公租房", "公共租赁住房"),
    ("个税", "个人所得税"),
    ("准生证", "生育登记"),
    ("出生证", "出生医学证明"),
    ("残疾证", "残疾人证"),
    ("车牌", "机动车号牌"),
    ("年检", "机动车检验"),
    ("电动车", "电动自行车"),
)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_PINYIN_QUERY = re.compile(r"[a-z]+")
_SYNONYMS: dict[str, tuple[str, ...]] = {}
for _hub, *_officials in SYNONYM_GROUPS:
    for _term, _others in ((_hub, _officials), *((official, [_hub]) for official in _officials)):
        _SYNONYMS[_term] = tuple(dict.fromkeys((*_SYNONYMS.get(_term, ()), *_others)))
_TERMS_LONGEST_FIRST = tuple(sorted(_SYNONYMS, key=len, reverse=True))
# Any known term at all, in one scan: most queries (pinyin, most Chinese) hold none.
_ANY_TERM = re.compile("|".join(map(re.escape, _TERMS_LONGEST_FIRST)))
MAX_VARIANTS = 8


def normalize(text: str) -> str:
    """NFKC (full width to half width), lower case, surrounding space trimmed."""
    return unicodedata.normalize("NFKC", text).lower().strip()


def search_key(text: str) -> str:
    """What is compared when matching: :func:`normalize`, then only letters and digits (Han included).

    Punctuation (Chinese or not), spaces, symbols, emoji and control characters carry no meaning in a
    service name, so they are dropped from names and queries alike: ``住房公积金提取（租房）`` and
    ``住房公积金提取 租房`` have the same key, and ``lao ling jin tie`` becomes ``laolingjintie``.
    """
    folded = normalize(text)
    if folded.isalnum():
        return folded
    return "".join(ch for ch in folded if ch.isalnum())


def key_offsets(text: str) -> tuple[str, list[int]] | None:
    """The key of ``text`` built one character at a time, with each key character's index in ``text``.

    Used only to turn match positions back into highlight spans. Returns ``None`` in the rare case where
    folding character by character does not give the same key as folding the whole string (combining
    sequences); callers then highlight the whole name.
    """
    chars: list[str] = []
    origins: list[int] = []
    for index, ch in enumerate(text):
        folded = ch if ch.isascii() and not ch.isupper() else unicodedata.normalize("NFKC", ch).lower()
        for sub in folded:
            if sub.isalnum():
                chars.append(sub)
                origins.append(index)
    key = "".join(chars)
    return (key, origins) if key == search_key(text) else None


def is_pinyin_query(key: str) -> bool:
    """A key made only of ASCII letters may be pinyin (full, initials, or a prefix of either)."""
    return _PINYIN_QUERY.fullmatch(key) is not None


def pinyin_syllables(key: str, memo: dict[str, list[str]] | None = None) -> list[str]:
    """One syllable per character of ``key``: toneless pinyin for Han, the character itself otherwise.

    Runs of Han characters are read together so pypinyin's phrase table picks the usual reading of a
    heteronym (银行 yinhang, 重庆 chongqing); ``ü`` is written ``v`` as on a keyboard. ``memo`` caches
    runs across names (district items repeat the same words).
    """
    out: list[str] = []
    position = 0
    for match in _HAN.finditer(key):
        out.extend(key[position : match.start()])
        run = match.group()
        syllables = memo.get(run) if memo is not None else None
        if syllables is None:
            syllables = lazy_pinyin(run)
            if len(syllables) != len(run):  # never seen, but the index relies on one syllable per char
                syllables = [lazy_pinyin(ch)[0] for ch in run]
            pairs = zip(syllables, run, strict=True)
            syllables = [s if s.isascii() and s.isalpha() else ch for s, ch in pairs]
            if memo is not None:
                memo[run] = syllables
        out.extend(syllables)
        position = match.end()
    out.extend(key[position:])
    return out


@cache
def _pinyin_terms() -> dict[str, str]:
    """Full pinyin, and initials of terms of three or more characters, of every known term."""
    terms: dict[str, str] = {}
    for term in _TERMS_LONGEST_FIRST:
        syllables = pinyin_syllables(term)
        if not all(s.isascii() and s.isalpha() for s in syllables):
            continue
        terms.setdefault("".join(syllables), term)
        if len(term) >= 3:
            terms.setdefault("".join(s[0] for s in syllables), term)
    return terms


def synonym_variants(key: str) -> list[str]:
    """``key`` with one known term replaced by each of its synonyms, literal key excluded, at most 8.

    A replacement is skipped when the query already holds the longer form (``住房公积金`` is not turned
    into ``住房住房公积金``), and terms are tried longest first so ``社保卡`` wins over ``社保``.
    """
    if is_pinyin_query(key):
        # A citizen may type an abbreviation in pinyin (wangyueche, wyc for 网约车): the names hold only the
        # official words, so the term itself and its synonyms are searched as Chinese.
        term = _pinyin_terms().get(key)
        return [] if term is None else [term, *_SYNONYMS[term]][:MAX_VARIANTS]
    if _ANY_TERM.search(key) is None:
        return []
    variants: dict[str, None] = {}
    covered: list[tuple[int, int]] = []
    for term in _TERMS_LONGEST_FIRST:
        start = key.find(term)
        if start < 0:
            continue
        end = start + len(term)
        if any(s < end and start < e for s, e in covered):
            continue
        covered.append((start, end))
        for other in _SYNONYMS[term]:
            if other in key:
                continue
            variants[key[:start] + other + key[end:]] = None
            if len(variants) >= MAX_VARIANTS:
                return list(variants)
    return list(variants)


def text_fold_table(chars: Iterable[str]) -> dict[int, str]:
    """A ``str.translate`` table folding width and case of ``chars`` one to one, so offsets stay valid.

    Characters whose NFKC form is longer than one character (``㎡``) are left as they are.
    """
    table: dict[int, str] = {}
    for ch in chars:
        folded = unicodedata.normalize("NFKC", ch).lower()
        if folded != ch and len(folded) == 1:
            table[ord(ch)] = folded
    return table
