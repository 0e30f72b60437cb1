"""The in-process search engine (``ishenzhen.catalog.search``) on a small corpus of real-style names."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin

from ishenzhen.catalog.search import SearchDocument, SearchHit, SearchIndex, SearchResult
from ishenzhen.catalog.text import search_key

# (name, popularity, text). Two district items share "老龄津贴发放", as in the real catalogue.
CORPUS: tuple[tuple[str, int, str], ...] = (
    ("居民身份证换领", 900, "居民身份证有效期满换领新证；材料：原居民身份证、户口簿"),
    ("居民身份证补领", 700, "居民身份证丢失补领；材料：户口簿"),
    ("临时居民身份证核发", 300, "申领居民身份证期间急需使用的，可申领临时居民身份证"),
    ("住房公积金提取（租房）", 950, "无房职工支付房租提取住房公积金；材料：租赁合同"),
    ("住房公积金提取（购房）", 800, "购买自住住房提取住房公积金；材料：购房合同、不动产权证书"),
    ("公积金贷款申请", 400, "申请个人住房公积金贷款"),
    ("老龄津贴发放", 600, "年满70周岁的深圳户籍老年人按月领取高龄津贴"),
    ("老龄津贴发放", 650, "年满70周岁的深圳户籍老年人按月领取高龄津贴"),
    ("企业设立登记", 990, "开办有限责任公司、股份有限公司，领取营业执照"),
    ("个体工商户设立登记", 850, "个体经营者申请登记，领取营业执照"),
    ("营业执照遗失补领", 200, "营业执照遗失的，申请补领"),
    ("网络预约出租汽车驾驶员证核发", 500, "从事网约车经营服务的驾驶员申请从业资格证"),
    ("灵活就业人员参加基本养老保险登记", 450, "以灵活就业人员身份参加企业职工基本养老保险"),
    ("社会保险关系转移", 550, "跨统筹地区就业的社会保险关系转移接续"),
    ("社保卡申领", 560, "申领社会保障卡；材料：居民身份证"),
    ("生育登记", 520, "办理生育登记，领取生育服务证"),
    ("机动车驾驶证换证", 610, "驾驶证有效期满换证；材料：身体条件证明"),
    ("往来港澳通行证签注", 580, "办理赴港澳旅游签注"),
    ("户籍迁入（人才引进）", 590, "符合条件的人才申请户籍迁入深圳"),
    ("医疗保险参保登记", 470, "基本医疗保险参保登记"),
    ("退休人员基本养老金领取", 460, "达到法定退休年龄领取养老金"),
    ("提取公积金证明开具", 100, "开具住房公积金提取证明"),
)
NAMES = tuple(name for name, _, _ in CORPUS)


def documents() -> list[SearchDocument]:
    return [SearchDocument(key=i, name=n, text=t, popularity=p) for i, (n, p, t) in enumerate(CORPUS)]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(documents())


def run(index: SearchIndex, query: str, **kwargs: object) -> SearchResult:
    return index.search(query, limit=kwargs.pop("limit", 100), **kwargs)  # type: ignore[arg-type]


def names_of(result: SearchResult) -> list[str]:
    return [NAMES[hit.key] for hit in result.hits]


def hit_for(result: SearchResult, name: str) -> SearchHit:
    return next(hit for hit in result.hits if NAMES[hit.key] == name)


def highlighted(hit: SearchHit) -> list[str]:
    source = NAMES[hit.key] if hit.field != "text" else CORPUS[hit.key][2]
    return [source[start:end] for start, end in hit.spans]


# -- Chinese ---------------------------------------------------------------------------------------------


def test_exact_name_is_tier_zero_and_first(index: SearchIndex) -> None:
    result = run(index, "住房公积金提取（租房）")
    assert result.hits[0] == SearchHit(key=3, tier=0, field="name", spans=((0, 11),))
    # Width and punctuation do not matter.
    assert run(index, "住房公积金提取(租房)").hits[0].key == 3
    assert run(index, " 住房公积金提取 租房 ").hits[0].key == 3


def test_substring_and_prefix_tiers(index: SearchIndex) -> None:
    result = run(index, "公积金提取")
    first = result.hits[:2]
    assert {NAMES[h.key] for h in first} == {"住房公积金提取（租房）", "住房公积金提取（购房）"}
    # 公积金 = 住房公积金, so through the synonym these names even start with the query.
    assert all(h.tier == 1 and highlighted(h) == ["住房公积金提取"] for h in first)
    literal = run(index, "积金提取")
    assert all(h.tier == 2 and highlighted(h) == ["积金提取"] for h in literal.hits[:2])
    scattered = hit_for(result, "提取公积金证明开具")
    assert scattered.tier == 3  # 公积金提取 is not contiguous there, but every character is
    assert run(index, "居民身份证").hits[0].tier == 1


def test_ties_are_broken_by_popularity_then_key(index: SearchIndex) -> None:
    result = run(index, "公积金提取")
    assert names_of(result)[:2] == ["住房公积金提取（租房）", "住房公积金提取（购房）"]  # 950 before 800
    same_name = [h.key for h in run(index, "老龄津贴发放").hits if h.tier == 0]
    assert same_name == [7, 6]  # 650 before 600


def test_scattered_words_rank_after_contiguous_matches(index: SearchIndex) -> None:
    result = run(index, "提取公积金")
    assert names_of(result)[0] == "提取公积金证明开具"  # name prefix
    hit = hit_for(result, "住房公积金提取（租房）")
    assert hit.tier == 3
    assert highlighted(hit) == ["公积金提取"]  # the two pieces touch, so one span
    scattered = hit_for(run(index, "登记养老"), "灵活就业人员参加基本养老保险登记")
    assert scattered.tier == 3
    assert highlighted(scattered) == ["养老", "登记"]


def test_words(index: SearchIndex) -> None:
    result = run(index, "身份证")
    assert names_of(result)[:3] == ["居民身份证换领", "居民身份证补领", "临时居民身份证核发"]
    assert all(highlighted(h) == ["居民身份证"] or highlighted(h) == ["身份证"] for h in result.hits[:3])
    tiers = [h.tier for h in result.hits]
    assert tiers == sorted(tiers)


# -- synonyms ----------------------------------------------------------------------------------------------


def test_synonyms_find_the_official_names(index: SearchIndex) -> None:
    social = run(index, "社保")
    assert names_of(social)[0] == "社保卡申领"  # the literal match comes first
    assert "社会保险关系转移" in names_of(social)
    assert highlighted(hit_for(social, "社会保险关系转移")) == ["社会保险"]
    assert names_of(run(index, "网约车"))[0] == "网络预约出租汽车驾驶员证核发"
    licence = run(index, "营业执照")
    # A synonym that is a whole name (tier 0) beats a literal name prefix (tier 1); inside a tier the
    # literal matches come first.
    assert names_of(licence)[:3] == ["企业设立登记", "个体工商户设立登记", "营业执照遗失补领"]
    assert [h.tier for h in licence.hits[:3]] == [0, 0, 1]
    assert names_of(run(index, "企业设立登记"))[:2] == ["企业设立登记", "营业执照遗失补领"]
    assert "医疗保险参保登记" in names_of(run(index, "医保"))
    assert names_of(run(index, "驾照"))[0] == "机动车驾驶证换证"
    assert names_of(run(index, "户口迁入"))[0] == "户籍迁入（人才引进）"
    assert names_of(run(index, "港澳通行证"))[0] == "往来港澳通行证签注"
    assert "退休人员基本养老金领取" in names_of(run(index, "养老"))
    assert "住房公积金提取（租房）" in names_of(run(index, "公积金"))


def test_synonyms_never_push_the_literal_match_down(index: SearchIndex) -> None:
    for query in ("社保", "公积金", "身份证", "营业执照", "养老", "退休"):
        result = run(index, query)
        literal = [i for i, h in enumerate(result.hits) if h.field == "name" and query in NAMES[h.key]]
        tier_of = {i: result.hits[i].tier for i in literal}
        for i, hit in enumerate(result.hits):
            for j in literal:
                if hit.tier == tier_of[j] and i < j:
                    assert query in NAMES[hit.key], (query, NAMES[hit.key])


# -- pinyin ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("laolingjintie", "pinyin"),
        ("lao ling jin tie", "pinyin"),
        ("LaoLingJinTie", "pinyin"),
        ("laolingjintiefafang", "pinyin"),
        ("laolingjint", "pinyin"),
        ("lljt", "initials"),
        ("lljtff", "initials"),
    ],
)
def test_full_pinyin_and_initials(index: SearchIndex, query: str, field: str) -> None:
    result = run(index, query)
    assert names_of(result)[0] == "老龄津贴发放"
    hit = result.hits[0]
    assert hit.tier == 4 and hit.field == field
    assert highlighted(hit)[0].startswith("老龄津")


def test_pinyin_prefix_at_a_syllable_boundary(index: SearchIndex) -> None:
    result = run(index, "gongjijin")
    found = set(names_of(result))
    assert {
        "住房公积金提取（租房）",
        "住房公积金提取（购房）",
        "公积金贷款申请",
        "提取公积金证明开具",
    } <= found
    assert highlighted(hit_for(result, "住房公积金提取（租房）")) == ["公积金"]
    # gongjijin is also the pinyin of the known term 公积金, so its matches may rank as name matches.
    assert all(h.tier <= 4 for h in result.hits)
    # Not aligned to a syllable ("ngji" is no way to type 公积), and two edits away from gongjijin.
    assert run(index, "ngjijin").total == 0
    assert {h.tier for h in run(index, "ongjijin").hits} == {5}  # one edit away: a typo match


def test_pinyin_highlight_maps_syllables_to_characters(index: SearchIndex) -> None:
    hit = hit_for(run(index, "tiqu"), "住房公积金提取（租房）")
    assert highlighted(hit) == ["提取"]
    hit = hit_for(run(index, "tiquzu"), "住房公积金提取（租房）")
    assert hit.spans == ((5, 9),)  # 提取（租: the parenthesis sits between two syllables


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("laolinjintie", "老龄津贴发放"),  # a letter missing
        ("gongjijing", "公积金贷款申请"),  # a letter too many
        ("laolingjimtie", "老龄津贴发放"),  # a wrong letter
        ("laolingjnitie", "老龄津贴发放"),  # two letters swapped
        ("shenfemzheng", "居民身份证换领"),
        ("xhenfenzheng", "居民身份证换领"),  # a wrong first letter
    ],
)
def test_one_typo_in_pinyin(index: SearchIndex, query: str, name: str) -> None:
    result = run(index, query)
    hit = hit_for(result, name)
    assert hit.tier == 5 and hit.field == "pinyin"
    assert highlighted(hit)


def test_typo_matches_rank_below_exact_pinyin(index: SearchIndex) -> None:
    result = run(index, "shenfen")  # exact for 身份, one edit from 生育 (shengyu)? no: only exact ones here
    assert all(h.tier == 4 for h in result.hits if "身份" in NAMES[h.key])
    tiers = [h.tier for h in run(index, "gongjijing").hits]
    assert tiers == sorted(tiers)


def test_short_queries_get_no_typo_tolerance(index: SearchIndex) -> None:
    assert run(index, "lljx").total == 0
    assert run(index, "shng").total == 0


# -- text ------------------------------------------------------------------------------------------------


def test_text_matches_rank_last_and_highlight_the_text(index: SearchIndex) -> None:
    result = run(index, "户口簿")
    assert {NAMES[h.key] for h in result.hits} == {"居民身份证换领", "居民身份证补领"}
    assert all(h.tier == 7 and h.field == "text" and highlighted(h) == ["户口簿"] for h in result.hits)
    mixed = run(index, "营业执照")
    assert [h.tier for h in mixed.hits] == sorted(h.tier for h in mixed.hits)


# -- filters, paging, bad input --------------------------------------------------------------------------


def test_allowed_restricts_hits_and_total(index: SearchIndex) -> None:
    everything = run(index, "登记")
    only = (1 << 15) | (1 << 12)  # 生育登记, 灵活就业…登记
    filtered = run(index, "登记", allowed=only)
    assert filtered.total == 2
    assert {h.key for h in filtered.hits} == {12, 15}
    assert [h.key for h in everything.hits if h.key in (12, 15)] == [h.key for h in filtered.hits]
    assert run(index, "登记", allowed=0).total == 0


def test_offset_and_limit_page_through_the_same_order(index: SearchIndex) -> None:
    whole = index.search("登记", limit=100)
    pages = [index.search("登记", offset=i, limit=2) for i in range(0, whole.total, 2)]
    assert [h for page in pages for h in page.hits] == list(whole.hits)
    assert all(page.total == whole.total for page in pages)
    assert index.search("登记", offset=1000).hits == ()
    assert index.search("登记", limit=0).total == whole.total


@pytest.mark.parametrize(
    "query", ["登记", "公积金", "laolingjintie", "laolinjintie", "sfz", "开饭店", "量子纠缠"]
)
def test_a_query_answers_the_same_whatever_came_before(query: str) -> None:
    # An index keeps each query's unfiltered matches and highlights: a later filter or page must see
    # exactly what a fresh index answers.
    filters = [None, (1 << 15) | (1 << 12) | (1 << 6), 0, (1 << 7) | (1 << 3), None]
    kept = SearchIndex.build(documents())
    fresh = SearchIndex.build(documents(), match_cache_bytes=0)  # keeps nothing: each search from scratch
    for allowed in filters:
        for offset, limit in ((0, 100), (1, 2)):
            expected = fresh.search(query, allowed=allowed, offset=offset, limit=limit)
            assert kept.search(query, allowed=allowed, offset=offset, limit=limit) == expected


@pytest.mark.parametrize("query", ["", "   ", "，。！", "\x00", "\x00\x01\x7f", "😀", "🎉🎉", "\u200b"])
def test_empty_after_normalisation_is_an_empty_result(index: SearchIndex, query: str) -> None:
    assert index.search(query) == SearchResult(total=0, hits=())


def test_mixed_scripts_get_an_honest_answer(index: SearchIndex) -> None:
    # No name holds 社保abc whole, but 社保 is a word of it: a partial match, never an empty answer.
    assert {h.tier for h in run(index, "社保abc").hits} == {6}
    assert names_of(run(index, "社保abc"))[0] in {"社保卡申领", "社会保险关系转移"}
    assert names_of(run(index, "社保😀"))[0] == "社保卡申领"
    assert run(index, "量子纠缠火箭发射许可").total == 0


def test_very_long_queries_are_fast(index: SearchIndex) -> None:
    scattered_han = "".join(chr(0x4E00 + i * 37) for i in range(500))
    for query in ("a" * 500, "公积金" * 170, "laolingjintie" * 40, scattered_han):
        started = time.perf_counter()
        result = index.search(query)
        assert time.perf_counter() - started < 0.05
        assert result.total == len(result.hits)


def test_empty_index() -> None:
    empty = SearchIndex.build([])
    assert empty.search("社保") == SearchResult(total=0, hits=())
    assert empty.search("社保", allowed=123) == SearchResult(total=0, hits=())


def test_keys_need_not_be_in_popularity_order() -> None:
    shuffled = documents()
    random.Random(7).shuffle(shuffled)
    renumbered = [
        SearchDocument(key=i * 3 + 1, name=d.name, text=d.text, popularity=d.popularity)
        for i, d in enumerate(shuffled)
    ]
    index = SearchIndex.build(renumbered)
    by_key = {d.key: d for d in renumbered}
    result = index.search("公积金提取", limit=100)
    assert [by_key[h.key].name for h in result.hits[:2]] == [
        "住房公积金提取（租房）",
        "住房公积金提取（购房）",
    ]
    target = next(d.key for d in renumbered if d.name == "生育登记")
    assert [h.key for h in index.search("登记", allowed=1 << target).hits] == [target]


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        SearchIndex.build([SearchDocument(key=0, name="a", text="", popularity=0)] * 2)


# -- properties --------------------------------------------------------------------------------------------

HAN = "居民身份证换领补住房公积金提取租购老龄津贴发放企业设立登记个体工商户网络预约出租汽车驾驶员核灵活就业人参加基本养保险社会关系转移生育机动"
PUNCT = "（）()、·《》 "
name_strategy = st.text(alphabet=HAN + PUNCT + "ETC5g", min_size=1, max_size=14).filter(search_key)
corpus_strategy = st.lists(st.tuples(name_strategy, st.integers(0, 1000)), min_size=1, max_size=12)
slow = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])


def build(corpus: list[tuple[str, int]]) -> SearchIndex:
    return SearchIndex.build(
        [SearchDocument(key=i, name=n, text=n[::-1], popularity=p) for i, (n, p) in enumerate(corpus)]
    )


def full_pinyin(name: str) -> str:
    """The reference reading, straight from pypinyin, ignoring everything but Han characters and letters."""
    return "".join(lazy_pinyin(search_key(name)))


@slow
@given(corpus_strategy, st.data())
def test_searching_a_name_finds_it_at_tier_zero_first(
    corpus: list[tuple[str, int]], data: st.DataObject
) -> None:
    index = build(corpus)
    target = data.draw(st.integers(0, len(corpus) - 1))
    result = index.search(corpus[target][0], limit=len(corpus))
    assert result.hits[0].tier == 0
    assert target in {h.key for h in result.hits if h.tier == 0}


@slow
@given(corpus_strategy, st.data())
def test_searching_a_names_pinyin_finds_it(corpus: list[tuple[str, int]], data: st.DataObject) -> None:
    index = build(corpus)
    target = data.draw(st.integers(0, len(corpus) - 1))
    pinyin = search_key(full_pinyin(corpus[target][0]))
    assume(pinyin.isascii() and pinyin.isalpha())
    result = index.search(pinyin, limit=len(corpus))
    assert target in {h.key for h in result.hits}
    spaced = " ".join(lazy_pinyin(search_key(corpus[target][0])))
    assert target in {h.key for h in index.search(spaced, limit=len(corpus)).hits}


@slow
@given(corpus_strategy, st.data())
def test_one_letter_edit_still_finds_the_name(corpus: list[tuple[str, int]], data: st.DataObject) -> None:
    index = build(corpus)
    target = data.draw(st.integers(0, len(corpus) - 1))
    pinyin = search_key(full_pinyin(corpus[target][0]))
    assume(pinyin.isascii() and pinyin.isalpha() and len(pinyin) >= 6)
    at = data.draw(st.integers(0, len(pinyin) - 1))
    letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    kind = data.draw(st.sampled_from(["insert", "delete", "substitute", "swap"]))
    if kind == "insert":
        typed = pinyin[:at] + letter + pinyin[at:]
    elif kind == "delete":
        typed = pinyin[:at] + pinyin[at + 1 :]
    elif kind == "substitute":
        typed = pinyin[:at] + letter + pinyin[at + 1 :]
    else:
        assume(at + 1 < len(pinyin))
        typed = pinyin[:at] + pinyin[at + 1] + pinyin[at] + pinyin[at + 2 :]
    result = index.search(typed, limit=len(corpus))
    assert target in {h.key for h in result.hits}


@slow
@given(corpus_strategy, st.text(max_size=40), st.integers(min_value=0), st.integers(0, 5), st.integers(0, 5))
def test_any_query_is_answered_sorted_and_filtered(
    corpus: list[tuple[str, int]], query: str, allowed: int, offset: int, limit: int
) -> None:
    index = build(corpus)
    allowed &= (1 << len(corpus)) - 1
    everything = index.search(query, allowed=allowed, limit=len(corpus))
    assert everything.total == len(everything.hits)
    assert len({h.key for h in everything.hits}) == len(everything.hits)
    assert all(allowed >> h.key & 1 for h in everything.hits)
    assert [h.tier for h in everything.hits] == sorted(h.tier for h in everything.hits)
    unfiltered = index.search(query, limit=len(corpus))
    assert [h for h in unfiltered.hits if allowed >> h.key & 1] == list(everything.hits)
    page = index.search(query, allowed=allowed, offset=offset, limit=limit)
    assert page.total == everything.total
    assert list(page.hits) == list(everything.hits[offset : offset + limit])
    for hit in everything.hits:
        source = corpus[hit.key][0] if hit.field != "text" else corpus[hit.key][0][::-1]
        assert all(0 <= start < end <= len(source) for start, end in hit.spans)


@settings(deadline=None, max_examples=200)
@given(st.text(max_size=120))
def test_arbitrary_unicode_never_raises(query: str) -> None:
    result = FIXED.search(query, limit=50)
    assert result.total >= len(result.hits)


FIXED = SearchIndex.build(documents())
