"""The catalogue's in-process search engine: Chinese, synonyms, pinyin, initials, one typo. Pure, no I/O.

Build once per catalogue snapshot with :meth:`SearchIndex.build`, then call :meth:`SearchIndex.search`.

Ranking tiers (lower is better), each a bitset of documents over *popularity rank* (bit ``r`` = the r-th
most popular document, ties by key), so that inside a tier the lowest set bits are the best hits, ``&``
applies the caller's filter and ``bit_count()`` gives the total:

====  =====================================================================================
0     the name is the query
1     the name starts with the query
2     the name contains the query
3     every character of the query is in the name, not contiguous (提取公积金 → 住房公积金提取)
4     syllable-aligned full pinyin or initials (laolingjintie, lljt, gongjijin)
5     full pinyin with one typo (laolinjintie), queries of 5 letters or more
6     the secondary text (description, conditions, materials) contains the query
====  =====================================================================================

Synonyms (``text.SYNONYM_GROUPS``) are tried after the literal query and a document found only through a
synonym keeps the tier of that match but sorts after the literal matches of the same tier: "社保" lists
names containing 社保 before those containing 社会保险, yet 社会保险关系转移 still beats a pinyin or text
match. Ranking a synonym a whole tier lower would push it below text matches of the literal query, which
is worse for the citizen; ranking it level with literal matches would let a popular synonym hit overtake
the exact words typed.

Work is done per *distinct name* (district items share names) and per distinct text, and every step that
could touch many documents is a bitset operation; see ``_pinyin`` for the typo search.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain
from typing import Literal

import msgspec

from ishenzhen.catalog.search._bits import RangeBits, bits_from, first_bits, set_bits
from ishenzhen.catalog.search._pinyin import PinyinIndex
from ishenzhen.catalog.search._text import TextIndex
from ishenzhen.catalog.text import is_pinyin_query, key_offsets, search_key, synonym_variants

__all__ = ["SearchDocument", "SearchHit", "SearchIndex", "SearchResult"]

Field = Literal["name", "pinyin", "initials", "text"]
MIN_TYPO_LETTERS = 5
# Tier classes in sort order: (tier, found through a synonym). Pinyin and text use the literal query only,
# except text, which also tries synonyms (营业执照 as a material name), ranked after the literal text hits.
_CLASSES: tuple[tuple[int, bool], ...] = (
    (0, False), (0, True), (1, False), (1, True), (2, False), (2, True), (3, False), (3, True),
    (4, False), (5, False), (6, False), (6, True),
)  # fmt: skip


class SearchDocument(msgspec.Struct, frozen=True):
    key: int  # the item's position in the catalogue snapshot, 0..N-1, unique
    name: str
    text: str  # description, acceptance conditions, material names, result name, keywords
    popularity: int  # higher = more popular; breaks ties


class SearchHit(msgspec.Struct, frozen=True):
    key: int
    tier: int
    field: Field
    spans: tuple[tuple[int, int], ...]  # [start, end) in ``name`` (name/pinyin/initials) or ``text``


class SearchResult(msgspec.Struct, frozen=True):
    total: int
    hits: tuple[SearchHit, ...]


_EMPTY = SearchResult(total=0, hits=())
QUERY_CACHE = 4096  # distinct queries whose normalised form is kept


@lru_cache(maxsize=QUERY_CACHE)
def _prepare(query: str) -> tuple[str, tuple[str, ...], str | None]:
    """The query's key, its synonym variants, and its pinyin form when it may be pinyin (else None).

    Pure functions of the text, independent of the index: kept across queries and snapshots (a bounded
    LRU), since the same words come back with another filter or page. Only this normalisation is cached;
    the index is searched every time.
    """
    key = search_key(query)
    pinyin = key.replace("ü", "v")
    return key, tuple(synonym_variants(key)), pinyin if is_pinyin_query(pinyin) else None


class SearchIndex:
    """Immutable search index over one catalogue snapshot."""

    __slots__ = (
        "_by_key",
        "_char_count",
        "_char_items",
        "_contains",
        "_identity",
        "_key_rank",
        "_keys",
        "_longest",
        "_name_of_rank",
        "_name_ranks",
        "_names",
        "_origins",
        "_pinyin",
        "_prefixes",
        "_rank_key",
        "_size",
        "_text",
        "_width",
    )

    @classmethod
    def build(cls, documents: Sequence[SearchDocument]) -> SearchIndex:
        return cls(documents)

    def __init__(self, documents: Sequence[SearchDocument]) -> None:
        ordered = sorted(documents, key=lambda d: (-d.popularity, d.key))
        rank_key = [d.key for d in ordered]
        if len(set(rank_key)) != len(rank_key) or (rank_key and min(rank_key) < 0):
            raise ValueError("search document keys must be unique and non-negative")
        self._size = len(ordered)
        self._width = max(rank_key, default=-1) + 1  # bits in the caller's ``allowed`` key space
        self._rank_key = array("I", rank_key)
        # The snapshot orders its items by popularity already, so a key is its rank and the caller's filter
        # can be used as it is; any other order costs one translation of the filter per query.
        self._identity = rank_key == list(range(len(rank_key)))
        self._key_rank: dict[int, int] = {} if self._identity else {k: r for r, k in enumerate(rank_key)}

        # Distinct names, numbered in order of their most popular document.
        name_ids: dict[str, int] = {}
        name_ranks: list[list[int]] = []
        name_of_rank: list[int] = []
        for rank, document in enumerate(ordered):
            name_id = name_ids.setdefault(document.name, len(name_ids))
            if name_id == len(name_ranks):
                name_ranks.append([])
            name_ranks[name_id].append(rank)
            name_of_rank.append(name_id)
        self._names = list(name_ids)
        self._keys = [search_key(name) for name in self._names]
        self._longest = max(map(len, self._keys), default=0)
        # Where each key character sits in the name, for highlights; None when the key is the name itself
        # (most names), () when it cannot be mapped one to one (then the whole name is highlighted).
        self._origins: list[tuple[int, ...] | None] = []
        for name, key in zip(self._names, self._keys, strict=True):
            mapped = None if name == key else key_offsets(name)
            self._origins.append(None if name == key else tuple(mapped[1]) if mapped else ())
        self._name_ranks = [tuple(ranks) for ranks in name_ranks]
        self._name_of_rank = array("I", name_of_rank)

        self._by_key: dict[str, list[int]] = {}
        for name_id, key in enumerate(self._keys):
            self._by_key.setdefault(key, []).append(name_id)
        ranks_of = self._name_ranks
        # Names by key (prefix matches) and every suffix of every key (substring matches): one sorted
        # range each, read as a bitset of documents in O(log n).
        interned: dict[str, str] = {}
        self._prefixes = RangeBits([(key, n) for n, key in enumerate(self._keys)], ranks_of, self._size)
        suffixes = [(key[i:], n) for n, key in enumerate(self._keys) for i in range(len(key))]
        suffixes = [(interned.setdefault(s, s), n) for s, n in suffixes]
        self._contains = RangeBits(suffixes, ranks_of, self._size)
        # Character → documents whose name contains it (bitset over ranks): "every character" matches.
        char_names: dict[str, list[int]] = {}
        for name_id, key in enumerate(self._keys):
            for ch in set(key):
                char_names.setdefault(ch, []).append(name_id)
        self._char_items = {
            ch: bits_from(chain.from_iterable(map(ranks_of.__getitem__, ids)), self._size)
            for ch, ids in char_names.items()
        }
        self._char_count = {ch: bits.bit_count() for ch, bits in self._char_items.items()}
        self._pinyin = PinyinIndex(self._keys, ranks_of, self._size)
        self._text = TextIndex([d.text for d in ordered])

    def __len__(self) -> int:
        return self._size

    # -- query ------------------------------------------------------------------------------------------

    def search(
        self, query: str, *, allowed: int | None = None, offset: int = 0, limit: int = 20
    ) -> SearchResult:
        key, variants, pinyin = _prepare(query)
        if not key or not self._size:
            return _EMPTY
        tiers: dict[tuple[int, bool], int] = {}
        for variant, synonym in ((key, False), *((v, True) for v in variants)):
            for tier, bits in enumerate(self._name_tiers(variant)):
                if bits:
                    tiers[tier, synonym] = tiers.get((tier, synonym), 0) | bits
        if pinyin is not None:
            tiers[4, False] = self._pinyin.exact(pinyin)
            if len(pinyin) >= MIN_TYPO_LETTERS:
                tiers[5, False] = self._pinyin.typo(pinyin)
        tiers[6, False] = self._text.match(key)
        if variants:
            tiers[6, True] = 0
            for variant in variants:
                tiers[6, True] |= self._text.match(variant)

        mask = self._allowed_ranks(allowed)
        seen = 0
        total = 0
        ordered: list[tuple[tuple[int, bool], int, int]] = []
        for cls in _CLASSES:
            bits = tiers.get(cls)
            if not bits:  # most classes are empty: skip the big-int work (~1 µs each) for them
                continue
            if seen:
                bits &= ~seen
                if not bits:
                    continue
            seen |= bits
            if mask is not None:
                bits &= mask
            count = bits.bit_count()
            if count:
                ordered.append((cls, bits, count))
                total += count

        hits: list[SearchHit] = []
        skip, want = max(offset, 0), max(limit, 0)
        # District copies of an item share its name (and often its text), hence its highlight: one per page.
        located: dict[tuple[int, int], tuple[Field, tuple[tuple[int, int], ...]]] = {}
        for cls, bits, count in ordered:
            if not want:
                break
            if skip >= count:
                skip -= count
                continue
            for rank in first_bits(bits, skip, want):
                hits.append(self._hit(rank, cls, key, variants, located))
            want -= min(count - skip, want)
            skip = 0
        return SearchResult(total=total, hits=tuple(hits))

    def _allowed_ranks(self, allowed: int | None) -> int | None:
        if allowed is None:
            return None
        allowed &= (1 << self._width) - 1
        if self._identity:
            return allowed
        key_rank = self._key_rank
        return bits_from((key_rank[k] for k in set_bits(allowed) if k in key_rank), self._size)

    def _names_to_ranks(self, names: set[int] | list[int]) -> int:
        if not names:
            return 0
        return bits_from(chain.from_iterable(map(self._name_ranks.__getitem__, names)), self._size)

    def _name_tiers(self, key: str) -> tuple[int, int, int, int]:
        """Documents (bitsets over ranks) whose name is, starts with, contains, or scatters ``key``."""
        if len(key) > self._longest:
            return 0, 0, 0, 0  # longer than every name: not even scattered through one
        counts = self._char_count
        unique = set(key)
        if not unique <= counts.keys():
            return 0, 0, 0, 0  # a character no name has: not even scattered through one
        chars = sorted(unique, key=counts.__getitem__)  # rarest first: the intersection shrinks fastest
        everything = self._char_items.get(chars[0], 0)
        for ch in chars[1:]:
            if not everything:
                break
            everything &= self._char_items.get(ch, 0)
        if not everything:
            return 0, 0, 0, 0
        exact = self._names_to_ranks(self._by_key.get(key, []))
        prefix = self._prefixes.prefix_bits(key) & ~exact
        if len(key) == 1:
            return exact, prefix, everything & ~(exact | prefix), 0
        contains = self._contains.prefix_bits(key) & ~(exact | prefix)
        return exact, prefix, contains, everything & ~(exact | prefix | contains)

    # -- hits -------------------------------------------------------------------------------------------

    def _hit(
        self,
        rank: int,
        cls: tuple[int, bool],
        key: str,
        variants: tuple[str, ...],
        located: dict[tuple[int, int], tuple[Field, tuple[tuple[int, int], ...]]],
    ) -> SearchHit:
        tier = cls[0]
        # What is highlighted depends only on the name (or the text) and the class: ``~text id`` keeps the
        # two kinds of owner apart in the per-page memo.
        owner = ~self._text.text_id(rank) if tier == 6 else self._name_of_rank[rank]
        memo = (owner, tier * 2 + cls[1])
        found = located.get(memo)
        if found is None:
            found = located[memo] = self._highlight(rank, cls, key, variants)
        return SearchHit(key=self._rank_key[rank], tier=tier, field=found[0], spans=found[1])

    def _highlight(
        self, rank: int, cls: tuple[int, bool], key: str, variants: tuple[str, ...]
    ) -> tuple[Field, tuple[tuple[int, int], ...]]:
        tier, synonym = cls
        if tier == 6:
            for variant in variants if synonym else (key,):
                spans = self._text.spans(rank, variant)
                if spans:
                    return "text", spans
            return "text", ()
        name_id = self._name_of_rank[rank]
        name = self._names[name_id]
        if tier in (4, 5):
            located = self._pinyin.locate(name_id, key.replace("ü", "v"), typo=tier == 5)
            if located is None:
                return "pinyin", ()
            field, first, count = located
            return field, _key_spans(name, self._origins[name_id], [(first, count)])  # type: ignore[return-value]
        if tier == 0:
            return "name", ((0, len(name)),)
        name_key = self._keys[name_id]
        for variant in variants if synonym else (key,):
            pieces = _pieces(variant, name_key)
            if pieces:
                return "name", _key_spans(name, self._origins[name_id], pieces)
        return "name", ()


def _pieces(query: str, name_key: str) -> list[tuple[int, int]]:
    """(start, length) pieces of ``name_key`` covering ``query``: one if contiguous, else greedy longest."""
    start = name_key.find(query)
    if start >= 0:
        return [(start, len(query))]
    pieces: list[tuple[int, int]] = []
    i = 0
    while i < len(query):
        at = name_key.find(query[i])
        if at < 0:
            return []
        j = i + 1
        while j < len(query):  # grow the piece while it still occurs somewhere in the name
            longer = name_key.find(query[i : j + 1])
            if longer < 0:
                break
            at = longer
            j += 1
        pieces.append((at, j - i))
        i = j
    return pieces


def _key_spans(
    name: str, origins: tuple[int, ...] | None, pieces: list[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    """Turn (start, length) pieces of a name's key into merged [start, end) spans of the name itself."""
    if origins is None:
        spans = sorted((start, start + length) for start, length in pieces if length > 0)
    elif not origins:
        return ((0, len(name)),)
    else:
        spans = sorted((origins[at], origins[at + length - 1] + 1) for at, length in pieces if length)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
