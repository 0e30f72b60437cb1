"""Pinyin and initials matching over distinct names, exact or with one typo, without scanning all names.

Each distinct name gets its toneless pinyin (``zhufanggongjijintiquzufang``), the offsets where its syllables
start, and its initials (``zfgjjtqzf``). Every syllable start yields one *entry*: the rest of the pinyin (or
of the initials) from there. Entries are kept in one sorted list, so the names whose pinyin has a syllable-
aligned run starting with the query are one ``bisect`` range: ``gongjijin`` (a prefix at a syllable boundary),
``laolingjintie`` and ``lljt`` are all such ranges, found in O(log n).

Typos are found by walking that sorted list as if it were a trie (each prefix is a contiguous range): follow
the query exactly for ``d`` letters, then try one edit at ``d`` (a different letter, a letter too many, one
missing, two letters swapped) and require the rest of the query exactly, which is again one range. The
work depends on the query's length and on how many letters can follow each prefix (a few, in pinyin), not
on the number of names, so a catalogue ten times larger costs a couple more bisect steps. A per-query edit
distance loop over all names, or an n-gram count filter (weak for 5-letter queries), would grow with it.

Most of that work is near the root, where many letters can follow (an edit of the first letter tries ~23
of them, twice), and most of those edits lead nowhere. So the first ``SHALLOW`` levels of the trie are also
kept as a set of prefixes with, per node, the letters that can follow: an edit is only bisected for when the
first ``SHALLOW`` letters it would need exist in some entry, and the children of a shallow node are read from
the table instead of found by bisecting. A few thousand short strings; the answer is the same.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from ishenzhen.catalog.search._bits import TOP, RangeBits
from ishenzhen.catalog.text import pinyin_syllables

__all__ = ["PinyinIndex", "edit1_prefix"]

MAX_TYPO_QUERY = 80  # letters: the full pinyin of the longest names, not a pasted paragraph
SHALLOW = 6  # trie levels kept as a prefix set: ~9k short strings for the real catalogue
SCAN = 16  # entries: below this many, edits are checked entry by entry


def edit1_prefix(query: str, text: str, start: int) -> int:
    """Length of a prefix of ``text[start:]`` within one edit of ``query`` (exact first), or -1.

    Edits are one substitution, insertion, deletion or swap of adjacent letters. Checking at the first
    mismatch is enough: any one-edit alignment can be moved to the first place the strings differ.
    """
    m = len(query)
    n = len(text) - start
    i = 0
    limit = min(m, n)
    while i < limit and query[i] == text[start + i]:
        i += 1
    if i == m:
        return m
    at = start + i
    # Shortest match first, so the highlight covers no more than what was typed.
    if text.startswith(query[i + 1 :], at):
        return m - 1  # the query has one letter too many
    if i < n and text.startswith(query[i + 1 :], at + 1):
        return m  # substitution
    if i + 1 < m and i + 1 < n and query[i] == text[at + 1] and query[i + 1] == text[at]:
        if text.startswith(query[i + 2 :], at + 2):
            return m  # two letters swapped
    if i < n and text.startswith(query[i:], at + 1):
        return m + 1  # the query misses one letter
    return -1


# Pinyin of each run of Han characters, kept across snapshot builds: converting names is most of a build's
# time, and a publication changes one name of 7,484. Bounded so a stream of new names cannot grow it forever.
_RUN_PINYIN: dict[str, list[str]] = {}
_RUN_PINYIN_MAX = 200_000


class PinyinIndex:
    """Sorted syllable-aligned pinyin and initials entries of distinct names (see the module docstring)."""

    __slots__ = ("_children", "_full", "_initials", "_shallow", "pinyin", "starts")

    def __init__(self, keys: Sequence[str], ranks_of: list[tuple[int, ...]], width: int) -> None:
        if len(_RUN_PINYIN) > _RUN_PINYIN_MAX:
            _RUN_PINYIN.clear()
        memo = _RUN_PINYIN
        interned: dict[str, str] = {}
        full: list[tuple[str, int]] = []
        initials: list[tuple[str, int]] = []
        self.pinyin: list[str] = []
        self.starts: list[bytes | tuple[int, ...]] = []
        for name_id, key in enumerate(keys):
            syllables = pinyin_syllables(key, memo)
            text = "".join(syllables)
            heads = "".join(s[0] for s in syllables)
            offsets: list[int] = []
            position = 0
            for syllable in syllables:
                offsets.append(position)
                position += len(syllable)
            self.pinyin.append(text)
            self.starts.append(bytes(offsets) if position < 256 else tuple(offsets))
            for index, offset in enumerate(offsets):
                if "a" <= text[offset] <= "z":
                    rest = text[offset:]
                    full.append((interned.setdefault(rest, rest), name_id))
                    rest = heads[index:]
                    initials.append((interned.setdefault(rest, rest), name_id))
        self._full = RangeBits(full, ranks_of, width)
        self._initials = RangeBits(initials, ranks_of, width)
        # Every prefix of up to SHALLOW letters of a full-pinyin entry, and the letters that follow each
        # shorter one (the shallow trie, for ``typo``).
        self._shallow = frozenset(e[:k] for e in self._full.entries for k in range(SHALLOW + 1))
        children: dict[str, dict[str, None]] = {"": {}}
        for prefix in sorted(self._shallow - {""}):
            children.setdefault(prefix[:-1], {})[prefix[-1]] = None
        self._children = {prefix: "".join(letters) for prefix, letters in children.items()}

    # -- exact -------------------------------------------------------------------------------------------

    def exact(self, query: str) -> int:
        """Documents whose name has a syllable-aligned run of pinyin or initials starting with ``query``."""
        return self._full.prefix_bits(query) | self._initials.prefix_bits(query)

    # -- one typo ----------------------------------------------------------------------------------------

    def typo(self, query: str) -> int:
        """Documents whose name's pinyin has a syllable-aligned run within one edit of ``query`` (exact
        matches included; the caller ranks those first)."""
        full = self._full
        entries = full.entries
        m = len(query)
        if m > MAX_TYPO_QUERY:
            return 0
        left = bisect.bisect_left
        shallow = self._shallow
        ranges: list[tuple[int, int]] = []

        def add(prefix: str, lo: int, hi: int) -> None:
            if prefix[:SHALLOW] not in shallow:  # no entry starts this way: no bisect at all
                return
            lo = left(entries, prefix, lo, hi)
            if lo < hi and entries[lo].startswith(prefix):  # most edits lead nowhere: one bisect, not two
                ranges.append((lo, left(entries, prefix + TOP, lo + 1, hi)))

        lo, hi = 0, len(entries)
        for d in range(m):
            if hi - lo <= SCAN:
                # Few entries share the first d letters: checking each directly finds the same edits (at d or
                # later) for less than walking the remaining levels edit by edit.
                ranges += [(i, i + 1) for i in range(lo, hi) if edit1_prefix(query, entries[i], 0) >= 0]
                break
            head = query[:d]
            letter = query[d]
            add(head + query[d + 1 :], lo, hi)  # the query has an extra letter at d
            if d + 1 < m and query[d + 1] != letter:
                add(head + query[d + 1] + letter + query[d + 2 :], lo, hi)  # swapped letters
            # Each other letter that follows ``head`` in some entry: substitution, or a missing letter.
            children = self._children.get(head) if d < SHALLOW else None
            i = lo
            if children is not None:
                # Near the root: one set intersection keeps the edits whose first letters exist at all.
                for rest in (query[d + 1 :], query[d:]):
                    cut = rest[: SHALLOW - d - 1]
                    for stem in shallow.intersection([head + c + cut for c in children if c != letter]):
                        add(stem[: d + 1] + rest, lo, hi)
                i = hi  # done with this level: skip the bisecting walk below
            while i < hi:
                entry = entries[i]
                if len(entry) == d:
                    i += 1
                    continue
                child = entry[d]
                end = left(entries, head + child + TOP, i, hi)
                if child != letter:
                    add(head + child + query[d + 1 :], i, end)
                    add(head + child + query[d:], i, end)
                i = end
            lo = left(entries, head + letter, lo, hi)
            hi = left(entries, head + letter + TOP, lo, hi)
            if lo >= hi:
                break
        found = 0
        ranges.sort()
        merged_lo, merged_hi = -1, -1
        for lo, hi in ranges:  # overlapping ranges (nested prefixes) are read once
            if lo <= merged_hi:
                merged_hi = max(merged_hi, hi)
                continue
            if merged_lo >= 0:
                found |= full.bits(merged_lo, merged_hi)
            merged_lo, merged_hi = lo, hi
        if merged_lo >= 0:
            found |= full.bits(merged_lo, merged_hi)
        return found

    # -- highlights --------------------------------------------------------------------------------------

    def locate(self, name_id: int, query: str, typo: bool) -> tuple[str, int, int] | None:
        """Where ``query`` matches name ``name_id``: (field, first syllable, syllable count), or None."""
        text = self.pinyin[name_id]
        starts = self.starts[name_id]
        for index, offset in enumerate(starts):
            if typo:
                length = edit1_prefix(query, text, offset)
            else:
                length = len(query) if text.startswith(query, offset) else -1
            if length > 0:
                last = bisect.bisect_right(starts, offset + length - 1) - 1
                return "pinyin", index, last - index + 1
        if not typo:
            heads = "".join(text[offset] for offset in starts)
            index = heads.find(query)
            if index >= 0:
                return "initials", index, len(query)
        return None
