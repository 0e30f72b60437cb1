"""Partial-match ranking: when no name holds the whole query, rank names by the words they hold (BM25-like).

The query key is cut into words (``_segment``), fillers dropped (the dictionary's stopwords), and each word
becomes a few *alternatives*, each a bitset of documents and a weight:

==========================================  ======  ==============================================
alternative                                 weight  example
==========================================  ======  ==============================================
the word in a name                          1.0     提取 in 住房公积金提取（租房）
an abbreviation synonym (``text``)          0.9     社保 → 社会保险
a dictionary bridge                         0.4–0.9 公司 → 企业, 驾照 → 机动车驾驶证
pinyin of a Latin word                      0.8     tiqu in 公积金tiqu
pinyin of a Chinese word (a homophone)      0.6     户藉 → huji → 户籍
a one-character word                        × 0.3   开, 换: weak on their own
==========================================  ======  ==============================================

An alternative is worth its weight times the inverse document frequency of what it matches (counted in
services, not district copies), so a rare word (津贴) outweighs a common one (申请); a word is worth its
best alternative; a document is worth the sum over the words, scaled down for long names as in BM25
(``k1`` = 1.2, ``b`` = 0.75, term frequency taken as 1: names are short). Instead of scoring documents one
by one, the documents are partitioned by which alternative of each word they match (a few bitset
operations per word), and each part is split by name-length class: every (part, class) pair has one score,
and within it the bits are already in popularity order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

__all__ = ["Alternative", "LengthClasses", "rank_parts"]

K1 = 1.2
B = 0.75
MAX_WORDS = 8
MAX_PARTS = 64
# Parts scoring below this share of the best one are dropped: a lone 的-like word should not list half
# the catalogue under a good answer.
MIN_SHARE = 0.25

# (weight, documents bitset, what to highlight in a name key or None)
Alternative = tuple[float, int, str | None]


class LengthClasses:
    """Documents by name-length class, with each class's BM25 length factor."""

    # Upper bounds (characters of the name key) of the classes: service names are 4 to 30 characters.
    BOUNDS = (5, 7, 9, 12, 16, 22, 10_000)

    __slots__ = ("classes",)

    def __init__(self, lengths: Sequence[int], width: int, to_bits: Callable[[list[int], int], int]) -> None:
        average = sum(lengths) / len(lengths) if lengths else 1.0
        members: list[list[int]] = [[] for _ in self.BOUNDS]
        for rank, length in enumerate(lengths):
            members[next(i for i, bound in enumerate(self.BOUNDS) if length <= bound)].append(rank)
        self.classes: list[tuple[float, int]] = []
        for ranks in members:
            if ranks:
                typical = sum(lengths[r] for r in ranks) / len(ranks)
                factor = (K1 + 1) / (1 + K1 * (1 - B + B * typical / average))
                self.classes.append((factor, to_bits(ranks, width)))


def idf(matched: int, total: int) -> float:
    """BM25's inverse document frequency of something found in ``matched`` of ``total`` services."""
    return math.log(1 + (total - matched + 0.5) / (matched + 0.5))


def rank_parts(words: Sequence[Sequence[Alternative]], lengths: LengthClasses) -> list[tuple[float, int]]:
    """(score, documents) groups, best first: every matched document in exactly one group."""
    parts: list[tuple[float, int]] = []
    for alternatives in words[:MAX_WORDS]:
        levels = sorted(alternatives, key=lambda a: -a[0])
        covered = 0
        disjoint: list[tuple[float, int]] = []
        for weight, bits, _ in levels:  # a document takes the best alternative it matches
            bits &= ~covered
            if bits:
                disjoint.append((weight, bits))
                covered |= bits
        if not disjoint:
            continue
        refined: list[tuple[float, int]] = []
        outside = covered
        for score, bits in parts:
            for weight, level in disjoint:
                inside = bits & level
                if inside:
                    refined.append((score + weight, inside))
            rest = bits & ~covered
            if rest:
                refined.append((score, rest))
            outside &= ~bits
        for weight, level in disjoint:  # documents no earlier word matched
            inside = level & outside
            if inside:
                refined.append((weight, inside))
        refined.sort(key=lambda part: -part[0])
        parts = refined[:MAX_PARTS]
    if not parts:
        return []
    best = parts[0][0]
    scored: list[tuple[float, int]] = []
    for score, bits in parts:
        if score < best * MIN_SHARE:
            break
        for factor, members in lengths.classes:
            inside = bits & members
            if inside:
                scored.append((score * factor, inside))
    scored.sort(key=lambda part: -part[0])
    return scored
