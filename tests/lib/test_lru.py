"""The shared LRU: the most recently used entries stay, within a count or a total weight."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.lib.lru import LRU

# (operation, key, value): put, get or pop over a handful of keys so that hits, misses and evictions all occur.
OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["put", "get", "pop"]), st.integers(0, 9), st.text(min_size=0, max_size=6)),
    max_size=200,
)


def _reference(capacity: int, weigh, operations):  # type: ignore[no-untyped-def]
    """The same rules spelled out on a plain list, most recent last: the LRU must agree with it."""
    kept: list[tuple[int, str]] = []
    answers = []
    for operation, key, value in operations:
        found = next((entry for entry in kept if entry[0] == key), None)
        if found is not None:
            kept.remove(found)
        if operation == "put":
            if weigh(value) <= capacity:
                kept.append((key, value))
                while sum(weigh(v) for _, v in kept) > capacity:
                    kept.pop(0)
            answers.append(None)
        elif operation == "get":
            if found is not None:
                kept.append(found)
            answers.append(None if found is None else found[1])
        else:
            answers.append(None if found is None else found[1])
    return answers, kept


@given(capacity=st.integers(1, 6), operations=OPERATIONS)
def test_counted_lru_agrees_with_the_reference(capacity: int, operations: list[tuple[str, int, str]]) -> None:
    cache: LRU[int, str] = LRU(capacity)
    answers = [
        cache.put(key, value) if operation == "put" else getattr(cache, operation)(key)
        for operation, key, value in operations
    ]
    expected, kept = _reference(capacity, lambda _value: 1, operations)
    assert answers == expected
    assert len(cache) == cache.weight == len(kept)
    assert all(key in cache for key, _ in kept)


@given(capacity=st.integers(1, 12), operations=OPERATIONS)
def test_weighted_lru_agrees_with_the_reference(
    capacity: int, operations: list[tuple[str, int, str]]
) -> None:
    cache: LRU[int, str] = LRU(capacity, weigh=len)
    answers = [
        cache.put(key, value) if operation == "put" else getattr(cache, operation)(key)
        for operation, key, value in operations
    ]
    expected, kept = _reference(capacity, len, operations)
    assert answers == expected
    assert cache.weight == sum(len(value) for _, value in kept) <= capacity
    assert len(cache) == len(kept)


def test_a_hit_protects_an_entry_from_eviction() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert "a" in cache and "b" not in cache and "c" in cache


def test_clear_forgets_everything() -> None:
    cache: LRU[str, bytes] = LRU(10, weigh=len)
    cache.put("a", b"1234")
    cache.clear()
    assert len(cache) == 0 and cache.weight == 0 and cache.get("a") is None


def test_a_capacity_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="capacity"):
        LRU(0)
