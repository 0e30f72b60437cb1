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
5     full pinyin with one typo (laolinjintie), queries of 5 letters or more; or a Chinese query
      typed with a homophone (身分证 → shenfenzheng → 居民身份证…)
6     partial match: no name holds the whole query, names ranked by the weight of the query's words
      they hold, through the colloquial dictionary too (开饭店 → 食品经营许可证核发; see ``_partial``)
7     the secondary text (description, conditions, materials) contains the query
====  =====================================================================================

Tiers 5 (homophones) and 6 are only worked out when tiers 0–4 found nothing: they are the fallback that
keeps everyday wording from coming back empty, and the literal tiers stay first whenever they answer.

District copies of one service (documents sharing a ``group``) are one result: the best-ranked copy the
filter allows stands for the group and the hit lists every allowed copy (``SearchHit.group``). Copies of a
group must share name and text, so every tier holds all of a group or none of it; the build checks this
and splits a group that does not. An empty answer carries suggestions (``SearchResult.suggestions``).

Synonyms (``text.SYNONYM_GROUPS``) are tried after the literal query, in the order the group lists them
(营业执照 lists 企业设立登记 before 个体工商户设立登记), and a document found only through a synonym keeps the tier of that match but sorts after the literal matches of the same tier: "社保" lists
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
from ishenzhen.catalog.search._dictionary import SearchDictionary, default_dictionary
from ishenzhen.catalog.search._partial import Alternative, LengthClasses, idf, rank_parts
from ishenzhen.catalog.search._pinyin import PinyinIndex
from ishenzhen.catalog.search._segment import Segmenter
from ishenzhen.catalog.search._text import TextIndex
from ishenzhen.catalog.text import (
    SYNONYM_GROUPS,
    is_pinyin_query,
    key_offsets,
    pinyin_syllables,
    search_key,
    synonym_variants,
)
from ishenzhen.lib.lru import LRU

__all__ = ["SearchDocument", "SearchHit", "SearchIndex", "SearchResult"]

Field = Literal["name", "pinyin", "initials", "text"]
MIN_TYPO_LETTERS = 5
TEXT_TIER = 7
PARTIAL_TIER = 6
MAX_SUGGESTIONS = 5
# Tier classes in sort order: (tier, found through a synonym). Pinyin and text use the literal query only,
# except text, which also tries synonyms (营业执照 as a material name), ranked after the literal text hits.
_CLASSES: tuple[tuple[int, bool], ...] = (
    (0, False),
    (0, True),
    (1, False),
    (1, True),
    (2, False),
    (2, True),
    (3, False),
    (3, True),
    (4, False),
    (5, False),
    (6, False),
    (7, False),
    (7, True),
)
# Classes that answer a query well enough that no fallback is looked for (scattered characters do not).
_ANSWERING = ((0, False), (0, True), (1, False), (1, True), (2, False), (2, True), (4, False))
# Weights of a word's alternatives in the partial match (see ``_partial``).
SYNONYM_WEIGHT = 0.9
LATIN_PINYIN_WEIGHT = 0.8
HOMOPHONE_WEIGHT = 0.6
SINGLE_CHARACTER = 0.3
# A partial match needs at least a third of the query's words (fillers aside) to match something.
MIN_WORD_SHARE = 3
FIRST_ALLOWED_CACHE = 64  # distinct filters whose "first allowed copy of each group" is kept
# Unfiltered matches kept per index, by weight (see ``_Matched``), and the highlights kept with each.
MATCH_CACHE_BYTES = 16 * 1024 * 1024
MAX_LOCATED = 32
MATCHED_OVERHEAD = 2048


class SearchDocument(msgspec.Struct, frozen=True):
    key: int  # the item's position in the catalogue snapshot, 0..N-1, unique
    name: str
    text: str  # description, acceptance conditions, material names, result name, keywords
    popularity: int  # higher = more popular; breaks ties
    group: int = -1  # documents sharing a group (district copies of one service) are one result; -1: alone


class SearchHit(msgspec.Struct, frozen=True):
    key: int
    tier: int
    field: Field
    spans: tuple[tuple[int, int], ...]  # [start, end) in ``name`` (name/pinyin/initials) or ``text``
    # Keys of every copy of the service the filter allows, ``key`` first; empty for a one-copy service.
    group: tuple[int, ...] = ()


class SearchResult(msgspec.Struct, frozen=True):
    total: int  # results (groups), not documents
    hits: tuple[SearchHit, ...]
    suggestions: tuple[int, ...] = ()  # when nothing matched: keys of items to offer instead


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


@lru_cache(maxsize=QUERY_CACHE)
def _homophone(key: str) -> str | None:
    """The toneless pinyin of a key holding Chinese, or None when some character has no reading."""
    if key.isascii():
        return None
    syllables = pinyin_syllables(key)
    text = "".join(syllables)
    return text if is_pinyin_query(text) else None


# Synonym order: where an official name sits in its group (企业设立登记 before 个体工商户设立登记).
_SYNONYM_RANK = {term: i for group in SYNONYM_GROUPS for i, term in enumerate(group)}


class _Query:
    """What one search worked out, for the highlights of its hits."""

    __slots__ = ("key", "pinyin", "terms", "variants")

    def __init__(self, key: str, variants: tuple[str, ...], pinyin: str | None) -> None:
        self.key = key
        self.variants = variants
        self.pinyin = pinyin  # what tiers 4 and 5 matched: the query, or the pinyin of its homophone
        self.terms: tuple[str, ...] = ()  # the words and terms tier 6 matched, for its highlights


_Located = tuple[Field, tuple[tuple[int, int], ...]]


class _Matched:
    """What a query matches before any filter: its plan, the documents of each class, the highlights.

    All of it is a function of the query's key and the index alone, so it is kept per index (an LRU of
    ``MATCH_CACHE_BYTES``): the same words come back with another district, filter or page, and then only
    the filter, the grouping and the page are worked out again (see ``SearchIndex.search``).
    """

    __slots__ = ("classes", "located", "plan", "weight")

    def __init__(self, plan: _Query, classes: tuple[tuple[tuple[int, bool], int], ...]) -> None:
        self.plan = plan
        self.classes = classes
        # Highlights by (name or ~text id, class): district copies share their name, hence their highlight.
        self.located: dict[tuple[int, int], _Located] = {}
        # What the entry holds: its bitsets' bytes, and room for its plan and MAX_LOCATED highlights.
        self.weight = sum(bits.bit_length() >> 3 for _, bits in classes) + MATCHED_OVERHEAD


class SearchIndex:
    """Immutable search index over one catalogue snapshot."""

    __slots__ = (
        "_by_key",
        "_char_count",
        "_char_items",
        "_contains",
        "_expansions",
        "_first_allowed",
        "_group_bits",
        "_group_count",
        "_group_of_rank",
        "_grouped",
        "_identity",
        "_key_rank",
        "_keys",
        "_leaders",
        "_lengths",
        "_longest",
        "_matched",
        "_members",
        "_name_bits",
        "_name_of_rank",
        "_name_ranks",
        "_names",
        "_origins",
        "_pinyin",
        "_prefixes",
        "_rank_key",
        "_segmenter",
        "_singles",
        "_size",
        "_stopwords",
        "_text",
        "_width",
    )

    @classmethod
    def build(
        cls,
        documents: Sequence[SearchDocument],
        dictionary: SearchDictionary | None = None,
        *,
        match_cache_bytes: int = MATCH_CACHE_BYTES,
    ) -> SearchIndex:
        """``match_cache_bytes=0`` keeps no matches: every search does all its work (``bench.search_inprocess``)."""
        return cls(documents, dictionary, match_cache_bytes=match_cache_bytes)

    def __init__(
        self,
        documents: Sequence[SearchDocument],
        dictionary: SearchDictionary | None = None,
        *,
        match_cache_bytes: int = MATCH_CACHE_BYTES,
    ) -> None:
        self._matched: LRU[str, _Matched] | None = (
            LRU(match_cache_bytes, weigh=_matched_weight) if match_cache_bytes > 0 else None
        )
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
        self._name_bits: dict[int, int] = {}

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
        self._build_groups(ordered)
        self._lengths = LengthClasses([len(self._keys[n]) for n in name_of_rank], self._size, bits_from)
        dictionary = default_dictionary() if dictionary is None else dictionary
        self._expansions = dictionary.expansions()
        self._stopwords = frozenset(dictionary.stopwords)
        self._segmenter = Segmenter(
            chain(self._keys, dictionary.vocabulary(), (t for group in SYNONYM_GROUPS for t in group))
        )

    def _build_groups(self, ordered: Sequence[SearchDocument]) -> None:
        # A group is one service: copies that differ in name or text would not fall in the same tiers,
        # so they are kept apart (the collapsing below relies on a tier holding all of a group or none).
        ids: dict[object, int] = {}
        members: list[list[int]] = []
        group_of_rank: list[int] = []
        for rank, document in enumerate(ordered):
            token = (document.group, document.name, document.text) if document.group >= 0 else ~rank
            group = ids.setdefault(token, len(ids))
            if group == len(members):
                members.append([])
            members[group].append(rank)
            group_of_rank.append(group)
        self._members = [tuple(m) for m in members]
        self._group_of_rank = array("I", group_of_rank)
        self._group_count = len(members)
        self._grouped = any(len(m) > 1 for m in members)
        self._leaders = bits_from((m[0] for m in members), self._size)
        self._singles = bits_from((m[0] for m in members if len(m) == 1), self._size)
        self._group_bits = [bits_from(m, self._size) for m in members if len(m) > 1]
        self._first_allowed: LRU[int, int] = LRU(FIRST_ALLOWED_CACHE)

    def __len__(self) -> int:
        return self._size

    # -- query ------------------------------------------------------------------------------------------

    def search(
        self, query: str, *, allowed: int | None = None, offset: int = 0, limit: int = 20
    ) -> SearchResult:
        key, variants, pinyin = _prepare(query)
        if not key or not self._size:
            return _EMPTY
        kept = self._matched
        matched = None if kept is None else kept.get(key)
        if matched is None:
            matched = self._match(key, variants, pinyin)
            if kept is not None:
                kept.put(key, matched)

        mask = self._allowed_ranks(allowed)
        first = self._first_of_groups(mask) if self._grouped else None
        # One copy per service, the best-ranked one the filter allows: ``first`` lies inside ``mask``, so
        # it is the only intersection each class needs.
        keep = mask if first is None else first
        total = 0
        ordered: list[tuple[tuple[int, bool], int, int]] = []
        for cls, bits in matched.classes:
            if keep is not None:
                bits &= keep
            count = bits.bit_count()
            if count:
                ordered.append((cls, bits, count))
                total += count
        if not total:
            return SearchResult(total=0, hits=(), suggestions=self._suggest(key, mask, first))

        hits: list[SearchHit] = []
        skip, want = max(offset, 0), max(limit, 0)
        # The filter as bytes: testing a copy's bit is then a small-int operation, not a big-int shift.
        allowed_bytes = None if mask is None else mask.to_bytes((self._size + 7) >> 3, "little")
        for cls, bits, count in ordered:
            if not want:
                break
            if skip >= count:
                skip -= count
                continue
            for rank in first_bits(bits, skip, want):
                hits.append(self._hit(rank, cls, matched, allowed_bytes))
            want -= min(count - skip, want)
            skip = 0
        return SearchResult(total=total, hits=tuple(hits))

    def _match(self, key: str, variants: tuple[str, ...], pinyin: str | None) -> _Matched:
        """Every document the query matches, by class in rank order, before any filter."""
        plan = _Query(key, variants, pinyin)
        tiers: dict[tuple[int, bool], list[int]] = {}
        for variant, synonym in ((key, False), *((v, True) for v in variants)):
            for tier, bits in enumerate(self._name_tiers(variant)):
                if bits:  # synonyms keep their order: the first official name of a group ranks first
                    tiers.setdefault((tier, synonym), []).append(bits)
        if pinyin is not None:
            exact = tiers[4, False] = [self._pinyin.exact(pinyin)]
            # One typo is the fallback for pinyin that matches nothing as typed: looking for near misses of
            # a query that already found its names (the typo search is the costliest step of a query)
            # would only lengthen the list below them.
            if len(pinyin) >= MIN_TYPO_LETTERS and not exact[0]:
                tiers[5, False] = [self._pinyin.typo(pinyin)]
        # Scattered characters (tier 3) do not count as an answer here: 换驾驶证 scatters through every
        # driving-licence name, and only the words tell 换证 from 境外驾驶证换领.
        for cls in _ANSWERING:
            if any(tiers.get(cls, ())):
                break
        else:
            self._fallback(plan, tiers)
        tiers[TEXT_TIER, False] = [self._text.match(key)]
        if variants:
            tiers[TEXT_TIER, True] = [self._text.match(variant) for variant in variants]
        # Each document in the first class that holds it: what is left to do per request is the filter.
        seen = 0
        classes: list[tuple[tuple[int, bool], int]] = []
        for cls in _CLASSES:
            for bits in tiers.get(cls, ()):
                if not bits:  # most classes are empty: skip the big-int work (~1 µs each) for them
                    continue
                if seen:
                    bits &= ~seen
                    if not bits:
                        continue
                seen |= bits
                classes.append((cls, bits))
        return _Matched(plan, tuple(classes))

    def _fallback(self, plan: _Query, tiers: dict[tuple[int, bool], list[int]]) -> None:
        """Tiers 5 (a Chinese query typed with homophones) and 6 (partial matches), when no name holds the
        query and its pinyin matches nothing; tier 3 is then ordered by the same word weights."""
        if plan.pinyin is None:
            sound = _homophone(plan.key)
            if sound is not None:
                # A homophone is already one mistake: no typo search on top of it (a second mistake, and
                # the costliest step of a query); the partial match below still finds the other words.
                bits = self._pinyin.exact(sound)
                if bits:
                    tiers[5, False] = [bits]
                    plan.pinyin = sound
        elif tiers.get((5, False), [0])[0]:
            return  # pinyin with a typo, found: splitting it into words would add only noise
        words, terms, meaningful = self._words(plan.key)
        if len(words) * MIN_WORD_SHARE < meaningful:
            return  # 量子纠缠火箭发射许可: one word of five says little; better suggestions than noise
        plan.terms = terms
        parts = rank_parts(words, self._lengths)
        if not parts:
            return
        tiers[PARTIAL_TIER, False] = [bits for _, bits in parts]
        matched = 0
        for _, bits in parts:
            matched |= bits
        for cls in ((3, False), (3, True)):  # scattered matches keep their tier, ordered by their words
            if cls in tiers:
                tiers[cls] = [
                    *(bits & part for bits in tiers[cls] for _, part in parts),
                    *(bits & ~matched for bits in tiers[cls]),
                ]

    def _words(self, key: str) -> tuple[list[list[Alternative]], tuple[str, ...], int]:
        """The words of ``key`` that match something, each with its weighted alternatives (see
        ``_partial``); the terms to highlight; and how many words the query had, fillers left out."""
        leaders, groups = self._leaders, self._group_count
        words: list[list[Alternative]] = []
        terms: dict[str, None] = {}
        meaningful = 0
        for word in dict.fromkeys(self._segmenter.cut(key)):
            if word in self._stopwords:
                continue
            meaningful += 1
            scale = SINGLE_CHARACTER if len(word) == 1 else 1.0
            found: list[tuple[float, int, str | None]] = []
            if word.isascii() and word.isalpha():
                if len(word) >= 2:
                    found.append((LATIN_PINYIN_WEIGHT, self._pinyin.exact(word), None))
            else:
                literal = self._names_containing(word)
                found.append((scale, literal, word))
                if not literal and len(word) >= 2:
                    sound = _homophone(word)
                    if sound is not None:
                        found.append((HOMOPHONE_WEIGHT, self._pinyin.exact(sound), None))
            for variant in synonym_variants(word):
                found.append((SYNONYM_WEIGHT * scale, self._names_containing(variant), variant))
            for official, weight in self._expansions.get(word, ()):
                found.append((weight * scale, self._names_containing(official), official))
            # The word and its synonyms and bridges are one meaning (公司, 企业; 换 → 换证, 换领, 换发):
            # their rarity is that of all of them together, else the rarest spelling would outrank the
            # best-fitting name.
            pooled = 0
            for _, bits, _ in found:
                pooled |= bits
            rarity = idf((pooled & leaders).bit_count(), groups)
            alternatives: list[Alternative] = []
            for weight, bits, term in found:
                if bits:
                    alternatives.append((weight * rarity, bits, term))
                    if term is not None:
                        terms[term] = None
            if alternatives:
                words.append(alternatives)
        return words, tuple(terms), meaningful

    def _names_containing(self, term: str) -> int:
        if len(term) == 1:
            return self._char_items.get(term, 0)
        return self._contains.prefix_bits(term) if len(term) <= self._longest else 0

    def _suggest(self, key: str, mask: int | None, first: int | None) -> tuple[int, ...]:
        """Items to offer when nothing matched: names sharing the most (and rarest) characters of the
        query, else the most popular items the filter allows."""
        leaders, groups = self._leaders, self._group_count
        words: list[list[Alternative]] = []
        for ch in dict.fromkeys(key):
            bits = self._char_items.get(ch, 0)
            if bits and not ch.isascii():
                words.append([(idf((bits & leaders).bit_count(), groups), bits, None)])
        allowed = self._leaders if first is None else first
        if mask is not None:
            allowed &= mask
        chosen: list[int] = []
        for _, bits in rank_parts(words, self._lengths):
            chosen += first_bits(bits & allowed, 0, MAX_SUGGESTIONS - len(chosen))
            if len(chosen) >= MAX_SUGGESTIONS:
                break
        if not chosen:
            chosen = first_bits(allowed, 0, MAX_SUGGESTIONS)
        return tuple(self._rank_key[rank] for rank in chosen)

    def _first_of_groups(self, mask: int | None) -> int:
        """Per group, its best-ranked document within ``mask`` (ranks); cached per filter."""
        if mask is None:
            return self._leaders
        cache = self._first_allowed
        found = cache.get(mask)
        if found is not None:
            return found
        found = mask & self._singles
        for bits in self._group_bits:
            inside = mask & bits
            if inside:
                found |= inside & -inside
        cache.put(mask, found)
        return found

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
        if len(names) == 1:  # an exact name: its documents' bitset is kept once computed
            (name,) = names
            bits = self._name_bits.get(name)
            if bits is None:
                bits = self._name_bits[name] = bits_from(self._name_ranks[name], self._size)
            return bits
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

    def _hit(self, rank: int, cls: tuple[int, bool], matched: _Matched, allowed: bytes | None) -> SearchHit:
        tier = cls[0]
        # What is highlighted depends only on the name (or the text) and the class: ``~text id`` keeps the
        # two kinds of owner apart in the memo.
        owner = ~self._text.text_id(rank) if tier == TEXT_TIER else self._name_of_rank[rank]
        memo = (owner, tier * 2 + cls[1])
        located = matched.located
        found = located.get(memo)
        if found is None:
            found = self._highlight(rank, cls, matched.plan)
            if len(located) < MAX_LOCATED:
                located[memo] = found
        key = self._rank_key[rank]
        members = self._members[self._group_of_rank[rank]]
        if len(members) == 1:
            return SearchHit(key=key, tier=tier, field=found[0], spans=found[1])
        if allowed is None:
            copies = members if members[0] == rank else [rank, *(m for m in members if m != rank)]
        else:
            copies = [rank, *(m for m in members if m != rank and allowed[m >> 3] >> (m & 7) & 1)]
        return SearchHit(
            key=key, tier=tier, field=found[0], spans=found[1], group=tuple(self._rank_key[m] for m in copies)
        )

    def _highlight(
        self, rank: int, cls: tuple[int, bool], plan: _Query
    ) -> tuple[Field, tuple[tuple[int, int], ...]]:
        tier, synonym = cls
        key, variants = plan.key, plan.variants
        if tier == TEXT_TIER:
            for variant in variants if synonym else (key,):
                spans = self._text.spans(rank, variant)
                if spans:
                    return "text", spans
            return "text", ()
        name_id = self._name_of_rank[rank]
        name = self._names[name_id]
        if tier in (4, 5):
            sound = plan.pinyin if plan.pinyin is not None else key.replace("ü", "v")
            located = self._pinyin.locate(name_id, sound, typo=tier == 5)
            if located is None:
                return "pinyin", ()
            field, first, count = located
            return field, _key_spans(name, self._origins[name_id], [(first, count)])  # type: ignore[return-value]
        if tier == 0:
            return "name", ((0, len(name)),)
        name_key = self._keys[name_id]
        if tier == PARTIAL_TIER:
            pieces = [(at, len(t)) for t in plan.terms if (at := name_key.find(t)) >= 0]
            return "name", _key_spans(name, self._origins[name_id], pieces) if pieces else ()
        for variant in variants if synonym else (key,):
            pieces = _pieces(variant, name_key)
            if pieces:
                return "name", _key_spans(name, self._origins[name_id], pieces)
        return "name", ()


def _matched_weight(matched: _Matched) -> int:
    return matched.weight


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
