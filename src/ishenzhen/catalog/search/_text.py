"""Secondary-text matching (description, conditions, materials…): a bigram index over distinct texts."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from itertools import chain

from ishenzhen.catalog.search._bits import bits_from
from ishenzhen.catalog.text import text_fold_table

__all__ = ["MAX_TEXT_SPANS", "TextIndex"]

_WORD = re.compile(r"\w{2,}")
MAX_TEXT_SPANS = 8


class TextIndex:
    """Bigram → sorted ids of the distinct texts containing it; candidates are then verified with ``in``.

    Identical texts (district items of one kind usually share conditions and materials) are stored once,
    so the text-level work does not grow with the number of districts. Turning matching texts into
    documents is where broad queries (申请, 身份证: in nearly every text) would cost one step per document,
    so bigrams and texts that cover many documents also keep their documents as a ready bitset over ranks.
    Only bigrams of letters and digits are indexed, since query keys hold nothing else. Single-character
    queries are not matched against texts: nearly every text would match and say nothing useful.
    """

    HEAVY = 64  # documents; a bigram or text covering at least this many keeps a bitset
    __slots__ = ("_gram_bits", "_grams", "_rank_text", "_text_bits", "_text_ranks", "_texts", "_width")

    def __init__(self, texts_by_rank: Sequence[str]) -> None:
        fold = text_fold_table(set(chain.from_iterable(set(t) for t in set(texts_by_rank))))
        ids: dict[str, int] = {}
        self._texts: list[str] = []
        rank_text: list[int] = []
        text_ranks: list[list[int]] = []
        for rank, raw in enumerate(texts_by_rank):
            text_id = ids.get(raw)
            if text_id is None:
                text_id = ids[raw] = len(self._texts)
                self._texts.append(raw.translate(fold) if fold else raw)
                text_ranks.append([])
            text_ranks[text_id].append(rank)
            rank_text.append(text_id)
        width = self._width = len(texts_by_rank)
        postings: dict[str, list[int]] = {}
        for text_id, text in enumerate(self._texts):
            grams = {word[i : i + 2] for word in _WORD.findall(text) for i in range(len(word) - 1)}
            for gram in grams:
                bucket = postings.get(gram)
                if bucket is None:
                    postings[gram] = [text_id]
                else:
                    bucket.append(text_id)
        self._text_ranks = [tuple(ranks) for ranks in text_ranks]
        self._text_bits = {
            text_id: bits_from(ranks, width)
            for text_id, ranks in enumerate(text_ranks)
            if len(ranks) >= self.HEAVY
        }
        self._grams = {gram: array("I", ids_) for gram, ids_ in postings.items()}
        self._gram_bits: dict[str, int] = {}
        for gram, ids_ in postings.items():
            if sum(len(text_ranks[t]) for t in ids_) >= self.HEAVY:
                self._gram_bits[gram] = self._ranks(ids_)
        self._rank_text = array("I", rank_text)

    def _ranks(self, text_ids: Iterable[int]) -> int:
        heavy = self._text_bits
        out = 0
        light: list[tuple[int, ...]] = []
        for text_id in text_ids:
            bits = heavy.get(text_id)
            if bits is None:
                light.append(self._text_ranks[text_id])
            else:
                out |= bits
        return out | bits_from(chain.from_iterable(light), self._width) if light else out

    def match(self, key: str) -> int:
        """Ranks (as a bitset) of the documents whose text contains ``key`` (two characters or more)."""
        if len(key) < 2:
            return 0
        grams = {key[i : i + 2] for i in range(len(key) - 1)}
        postings = []
        for gram in grams:
            posting = self._grams.get(gram)
            if posting is None:
                return 0
            postings.append(posting)
        if len(key) == 2:
            ready = self._gram_bits.get(key)
            return ready if ready is not None else self._ranks(postings[0])
        postings.sort(key=len)
        candidates = set(postings[0])
        for posting in postings[1:]:
            if not candidates:
                return 0
            candidates.intersection_update(posting)
        texts = self._texts
        found = [text_id for text_id in candidates if key in texts[text_id]]
        if not found:
            return 0
        gram_bits = [self._gram_bits.get(gram) for gram in grams]
        if len(found) < 8 or None in gram_bits:
            return self._ranks(found)
        # Broad: every bigram is common. The documents having all the bigrams, less those whose text has
        # them apart, avoids walking the (many) documents one by one.
        out = -1
        for bits in gram_bits:
            out &= bits or 0
        apart = candidates.difference(found)
        return out & ~self._ranks(apart) if apart else out

    def text_id(self, rank: int) -> int:
        """The distinct text of document ``rank`` (district copies often share one)."""
        return self._rank_text[rank]

    def spans(self, rank: int, key: str) -> tuple[tuple[int, int], ...]:
        """Where ``key`` occurs in the text of document ``rank`` (first few occurrences)."""
        text = self._texts[self._rank_text[rank]]
        spans: list[tuple[int, int]] = []
        start = text.find(key)
        while start >= 0 and len(spans) < MAX_TEXT_SPANS:
            spans.append((start, start + len(key)))
            start = text.find(key, start + len(key))
        return tuple(spans)
