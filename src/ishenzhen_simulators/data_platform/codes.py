"""Check characters for the identifiers the registers hold, written for the simulator on its own.

The simulator stands for another organisation's system and must not share code with the gateway it is
testing, so these few lines are its own (GB 11643 MOD 11-2, GB 11714 MOD 11, GB 32100 MOD 31).
"""

from __future__ import annotations

__all__ = ["CREDIT_ALPHABET", "credit_check", "organisation_check", "resident_check"]

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUES = {char: index for index, char in enumerate(CREDIT_ALPHABET)}


def resident_check(body: str) -> str:
    total = sum(int(digit) * (2 ** (17 - index) % 11) for index, digit in enumerate(body))
    return "10X98765432"[total % 11]


def organisation_check(body: str) -> str:
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    remainder = 11 - sum(int(char, 36) * weight for char, weight in zip(body, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def credit_check(body: str) -> str:
    total = sum(_CREDIT_VALUES[char] * (3**index % 31) for index, char in enumerate(body))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]
