"""Bitsets held as Python ints: the few helpers the search index needs, all C-speed where it counts."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from itertools import chain

__all__ = ["TOP", "RangeBits", "bits_from", "first_bits", "set_bits"]

TOP = "\U0010ffff"  # sorts after every character that can follow a prefix

_NONZERO = re.compile(rb"[^\x00]+")
_BYTE_BITS = tuple(tuple(i for i in range(8) if byte >> i & 1) for byte in range(256))
_BIT = tuple(1 << i for i in range(8))
_WINDOW = 256  # bits read per step by ``first_bits``
_WINDOW_MASK = (1 << _WINDOW) - 1


def set_bits(mask: int) -> list[int]:
    """Positions of the set bits of ``mask`` (>= 0), ascending.

    Zero stretches are skipped by the regex engine, so the cost is one C pass over the bytes plus a few
    Python steps per set bit: no per-bit shifting of a long integer.
    """
    if not mask:
        return []
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    out: list[int] = []
    for run in _NONZERO.finditer(data):
        for index, byte in enumerate(run.group(), run.start()):
            base = index << 3
            out.extend([base + offset for offset in _BYTE_BITS[byte]])
    return out


def first_bits(mask: int, skip: int, count: int) -> list[int]:
    """Positions of set bits ``skip`` .. ``skip + count - 1`` of ``mask`` in ascending order.

    Search results are often sparse (a district's items among all the city's, ranked by popularity), so the
    zero bits before and between them must not cost a Python or regex step per byte: the lowest set bit is
    found with one ``mask & -mask``, then a window of ``_WINDOW`` bits from there is read with ``bin()`` and
    ``str.rfind`` (C-speed per bit), or skipped whole by its ``bit_count()`` while ``skip`` lasts.
    """
    out: list[int] = []
    if not mask or count <= 0:
        return out
    base = 0
    while mask:
        low = (mask & -mask).bit_length() - 1
        mask >>= low
        base += low
        window = mask & _WINDOW_MASK
        inside = window.bit_count()
        if skip >= inside:
            skip -= inside
        else:
            digits = bin(window)  # "0b1…": bit k is at index top - k
            top = len(digits) - 1
            at = top + 1
            while True:
                at = digits.rfind("1", 2, at)
                if at < 2:
                    break
                if skip:
                    skip -= 1
                    continue
                out.append(base + top - at)
                if len(out) == count:
                    return out
        mask >>= _WINDOW
        base += _WINDOW
    return out


def bits_from(positions: Iterable[int], width: int) -> int:
    """The bitset with exactly ``positions`` set (all < ``width``): one bytearray, one conversion."""
    buffer = bytearray((width + 7) >> 3)
    bit = _BIT
    for position in positions:
        buffer[position >> 3] |= bit[position & 7]
    return int.from_bytes(buffer, "little")


class RangeBits:
    """A sorted list of strings, each owned by a name, answering "which documents own entries in
    ``entries[lo:hi]``" as a bitset over ranks in O(log n) big-int ``|``, whatever the range's size.

    Entries are cut into blocks of ``BLOCK``; a segment tree holds, per run of blocks, the ranks of the
    documents whose names own an entry there. A range is its (at most two) partial blocks, expanded entry by
    entry, plus O(log) tree nodes. This is what keeps broad queries (``g``, ``shen``, ``证``) from costing
    one Python step per matching document.
    """

    BLOCK = 64
    __slots__ = ("_leaves", "_ranks_of", "_tree", "_width", "entries", "owners")

    def __init__(self, pairs: list[tuple[str, int]], ranks_of: list[tuple[int, ...]], width: int) -> None:
        pairs.sort()
        self.entries = [entry for entry, _ in pairs]
        self.owners = array("I", [owner for _, owner in pairs])
        self._ranks_of = ranks_of
        self._width = width
        blocks = (len(pairs) + self.BLOCK - 1) // self.BLOCK
        leaves = 1
        while leaves < blocks:
            leaves *= 2
        # Leaves are not kept: half the memory, for at most two blocks expanded per query.
        tree = [0] * leaves
        for node in range(leaves // 2, leaves):
            block = 2 * (node - leaves // 2) * self.BLOCK
            tree[node] = self._expand(block, min(block + 2 * self.BLOCK, len(pairs)))
        for node in range(leaves // 2 - 1, 0, -1):
            tree[node] = tree[2 * node] | tree[2 * node + 1]
        self._tree = tree
        self._leaves = leaves

    def _expand(self, lo: int, hi: int) -> int:
        if lo >= hi:
            return 0
        ranks_of = self._ranks_of
        return bits_from(chain.from_iterable(map(ranks_of.__getitem__, set(self.owners[lo:hi]))), self._width)

    def prefix_range(self, prefix: str, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
        entries = self.entries
        hi = len(entries) if hi is None else hi
        lo = bisect_left(entries, prefix, lo, hi)
        return lo, bisect_left(entries, prefix + TOP, lo, hi)

    def bits(self, lo: int, hi: int) -> int:
        """Ranks of the documents owning ``entries[lo:hi]``."""
        block = self.BLOCK
        first = -(-lo // block)
        last = hi // block
        if first >= last:
            return self._expand(lo, hi)
        out = self._expand(lo, first * block) | self._expand(last * block, hi)
        # Leaf level: blocks not paired with their sibling inside the range are expanded.
        if first & 1:
            out |= self._expand(first * block, (first + 1) * block)
            first += 1
        if last & 1 and first < last:
            last -= 1
            out |= self._expand(last * block, (last + 1) * block)
        tree = self._tree
        left = (first + self._leaves) >> 1
        right = (last + self._leaves) >> 1
        while left < right:
            if left & 1:
                out |= tree[left]
                left += 1
            if right & 1:
                right -= 1
                out |= tree[right]
            left >>= 1
            right >>= 1
        return out

    def prefix_bits(self, prefix: str) -> int:
        lo, hi = self.prefix_range(prefix)
        return self.bits(lo, hi) if lo < hi else 0
