"""The colloquial-to-official search dictionary (``services_catalog/search_dictionary.yaml``) stays sound."""

from __future__ import annotations

from pathlib import Path

import pytest

from ishenzhen.catalog.model import Catalog
from ishenzhen.catalog.search import SearchDocument, SearchIndex
from ishenzhen.catalog.search._dictionary import (
    Bridge,
    SearchDictionary,
    default_dictionary,
    dictionary_path,
    dictionary_problems,
    load_dictionary,
)

NAMES = ["企业设立登记", "企业变更登记", "融资租赁公司变更备案", "机动车驾驶证换证"]


def test_the_shipped_dictionary_has_no_problem_with_the_real_catalogue(real_catalog: Catalog) -> None:
    assert dictionary_path().is_file()
    dictionary = default_dictionary()
    assert len(dictionary.bridges) >= 100 and dictionary.stopwords
    assert dictionary_problems(dictionary, (item.name for item in real_catalog.items)) == []


@pytest.mark.parametrize(
    ("bridge", "problem"),
    [
        (Bridge(words=["公司"], official=["宇宙飞船"]), "official term '宇宙飞船' is in no item name"),
        (Bridge(words=["公司"], official=["企业"], weight=1.0), "must be above 0 and below 1"),
        (Bridge(words=["公 司"], official=["企业"]), "letters and digits only"),
        (Bridge(words=["企业"], official=["企业"]), "bridges nothing"),
        (Bridge(words=[], official=["企业"]), "needs words and official terms"),
    ],
)
def test_each_kind_of_mistake_is_named(bridge: Bridge, problem: str) -> None:
    problems = dictionary_problems(SearchDictionary(bridges=[bridge]), NAMES)
    assert any(problem in p for p in problems), problems


def test_a_word_listed_twice_or_also_a_stopword_is_named() -> None:
    twice = SearchDictionary(
        bridges=[Bridge(words=["公司"], official=["企业"]), Bridge(words=["公司"], official=["变更"])],
        stopwords=["公司", "吗", "吗"],
    )
    problems = dictionary_problems(twice, NAMES)
    assert any("already listed in bridge 1" in p for p in problems)
    assert any("stopword '公司' is also a bridge word" in p for p in problems)
    assert any("stopword is listed twice" in p for p in problems)


def test_words_are_folded_like_query_keys(tmp_path: Path) -> None:
    path = tmp_path / "dictionary.yaml"
    path.write_text(
        "bridges:\n- {words: [G签], official: [个人旅游签注]}\nstopwords: [App]\n", encoding="utf-8"
    )
    loaded = load_dictionary(path)
    assert loaded.expansions() == {"g签": (("个人旅游签注", 0.7),)}
    assert loaded.stopwords == ["app"]


def test_a_bridge_counts_less_than_the_word_itself() -> None:
    documents = [
        SearchDocument(key=0, name="企业变更登记", text="", popularity=1),
        SearchDocument(key=1, name="公司变更备案", text="", popularity=0),
    ]
    dictionary = SearchDictionary(bridges=[Bridge(words=["公司"], official=["企业"])], stopwords=["怎么"])
    index = SearchIndex.build(documents, dictionary)
    # Both names hold 变更; 公司 is literally in the second one, which the bridge to 企业 must not beat.
    hits = index.search("怎么公司改变更").hits
    assert [h.key for h in hits] == [1, 0] and {h.tier for h in hits} == {6}
    # And without the literal word in any name, the bridge alone finds the official name.
    assert [h.key for h in SearchIndex.build(documents[:1], dictionary).search("公司变更啊").hits] == [0]
