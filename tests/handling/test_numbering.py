"""The application number: format, check character, and what a mistyped number looks like."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.handling.numbering import check_char, format_number, is_valid_number


def test_the_format_uses_the_shenzhen_date() -> None:
    late_evening_utc = dt.datetime(2026, 12, 3, 17, 30, tzinfo=dt.UTC)  # 01:30 on the 4th in Shenzhen
    number = format_number(late_evening_utc, 42)
    assert number.startswith("SZ2026120400000042") and len(number) == 19
    assert is_valid_number(number)


@given(st.integers(1, 99_999_999), st.integers(0, 17), st.integers(1, 9))
def test_every_single_mistyped_digit_is_caught(serial: int, position: int, shift: int) -> None:
    number = format_number(dt.datetime(2026, 12, 3, tzinfo=dt.UTC), serial)
    digits = list(number[2:18])
    if position < 16:
        digits[position] = str((int(digits[position]) + shift) % 10)
        assert not is_valid_number(f"SZ{''.join(digits)}{number[18]}")
    else:
        wrong = "0123456789X"[("0123456789X".index(number[18]) + shift) % 11]
        assert not is_valid_number(number[:18] + wrong)


@given(st.integers(1, 99_999_999), st.integers(0, 14))
def test_swapping_neighbouring_digits_is_caught(serial: int, position: int) -> None:
    number = format_number(dt.datetime(2026, 12, 3, tzinfo=dt.UTC), serial)
    digits = list(number[2:18])
    if digits[position] == digits[position + 1]:
        return
    digits[position], digits[position + 1] = digits[position + 1], digits[position]
    assert check_char("".join(digits)) != number[18]


def test_malformed_numbers_are_not_numbers() -> None:
    for text in (
        "",
        "SZ",
        "sz2026120300000042X",
        "SZ20261203000000421",
        "SZ2026120300000042XX",
        "AB2026120300000042X",
    ):
        assert not is_valid_number(text)
