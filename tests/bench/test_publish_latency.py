"""The publish-latency benchmark's arithmetic and its loopback-only rule (the run itself is `python -m
bench.publish_latency`, minutes long, not a test)."""

from __future__ import annotations

import pytest
from bench.publish_latency import Instance, percentile
from hypothesis import given
from hypothesis import strategies as st


def test_nearest_rank_percentiles_of_forty_rounds() -> None:
    values = [float(v) for v in range(1, 41)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)) == (20.0, 38.0, 40.0)


@given(st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=200), st.floats(0.01, 1.0))
def test_a_percentile_is_one_of_the_values_and_never_above_the_max(
    values: list[float], fraction: float
) -> None:
    result = percentile(values, fraction)
    assert result in values and result <= max(values)
    assert percentile(values, 1.0) == max(values)


@pytest.mark.parametrize("url", ["http://example.org:80", "http://10.0.0.1:8000", "http://localhost:8000"])
def test_only_the_loopback_address_it_started_is_accepted(url: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        Instance(url)
