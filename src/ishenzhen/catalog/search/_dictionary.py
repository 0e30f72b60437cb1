"""The colloquial-to-official search dictionary (``services_catalog/search_dictionary.yaml``) and its checks."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import msgspec

__all__ = [
    "DEFAULT_BRIDGE_WEIGHT",
    "Bridge",
    "SearchDictionary",
    "default_dictionary",
    "dictionary_path",
    "dictionary_problems",
    "load_dictionary",
]

FILE_NAME = "search_dictionary.yaml"
DEFAULT_BRIDGE_WEIGHT = 0.7


class Bridge(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Everyday ``words`` that mean the catalogue's ``official`` terms, counted at ``weight`` of a word."""

    words: list[str]
    official: list[str]
    weight: float = DEFAULT_BRIDGE_WEIGHT


class SearchDictionary(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    bridges: list[Bridge] = []
    stopwords: list[str] = []

    def expansions(self) -> dict[str, tuple[tuple[str, float], ...]]:
        """Each word → its official terms with their weight, the first listing of a word winning."""
        out: dict[str, tuple[tuple[str, float], ...]] = {}
        for bridge in self.bridges:
            for word in bridge.words:
                out.setdefault(word, tuple((term, bridge.weight) for term in bridge.official))
        return out

    def vocabulary(self) -> set[str]:
        """Every word and official term, for the segmenter (so 公积金 or 设立登记 stay one word)."""
        return {w for b in self.bridges for w in (*b.words, *b.official)}


def dictionary_path() -> Path:
    """The dictionary shipped in the package (a wheel), else the checkout's ``services_catalog/``."""
    packaged = Path(__file__).with_name(FILE_NAME)
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[4] / "services_catalog" / FILE_NAME


def load_dictionary(path: Path) -> SearchDictionary:
    # Words are compared with query keys, which are lower case: fold the file's words the same way.
    loaded = msgspec.yaml.decode(path.read_bytes(), type=SearchDictionary)
    bridges = [
        Bridge(words=[w.lower() for w in b.words], official=[o.lower() for o in b.official], weight=b.weight)
        for b in loaded.bridges
    ]
    return SearchDictionary(bridges=bridges, stopwords=[w.lower() for w in loaded.stopwords])


@cache
def default_dictionary() -> SearchDictionary:
    path = dictionary_path()
    return load_dictionary(path) if path.is_file() else SearchDictionary()


def dictionary_problems(dictionary: SearchDictionary, names: Iterable[str]) -> list[str]:
    """What is wrong with ``dictionary`` for a catalogue with item ``names``; empty when all is well."""
    names = list(names)
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, bridge in enumerate(dictionary.bridges, 1):
        where = f"bridge {number} ({'/'.join(bridge.words[:2])})"
        if not bridge.words or not bridge.official:
            problems.append(f"{where}: needs words and official terms")
        if not 0 < bridge.weight < 1:
            problems.append(
                f"{where}: weight {bridge.weight} must be above 0 and below 1 (an exact word is 1)"
            )
        for word in bridge.words:
            if not word.isalnum():
                problems.append(f"{where}: word {word!r} must be letters and digits only")
            if word in seen:
                problems.append(f"{where}: word {word!r} is already listed in bridge {seen[word]}")
            seen.setdefault(word, number)
        if all(set(bridge.official) <= {word} for word in bridge.words):
            problems.append(f"{where}: bridges nothing (each word maps only to itself)")
        for term in bridge.official:
            if not any(term in name for name in names):
                problems.append(f"{where}: official term {term!r} is in no item name")
    for word in dictionary.stopwords:
        if word in seen:
            problems.append(f"stopword {word!r} is also a bridge word")
    if len(set(dictionary.stopwords)) != len(dictionary.stopwords):
        problems.append("a stopword is listed twice")
    return problems
