"""The public application number (办件编号): a format a person can read out and a program can check.

``SZ`` + the submission date in Shenzhen (``YYYYMMDD``) + an 8-digit serial + one ISO 7064 MOD 11-2 check
character (``0``-``9`` or ``X``) computed over the 16 digits, 19 characters in all, e.g. ``SZ2026120300000042``
followed by its check character. The check character catches every single mistyped digit and every swap of
two neighbouring digits, so a number read over the phone is checked before any lookup. The serial comes from
a database sequence that cycles after 99,999,999, far beyond a day's volume, so numbers never repeat.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

__all__ = ["NUMBER_PATTERN", "check_char", "format_number", "is_valid_number"]

SHENZHEN = ZoneInfo("Asia/Shanghai")
NUMBER_PATTERN = r"^SZ[0-9]{16}[0-9X]$"
_NUMBER = re.compile(NUMBER_PATTERN)
_DIGITS16 = re.compile(r"[0-9]{16}")


def check_char(digits: str) -> str:
    """ISO 7064 MOD 11-2 (the pure recursive form): the character that makes the whole string check."""
    if not _DIGITS16.fullmatch(digits):
        raise ValueError("an application number body is exactly 16 ASCII digits")
    carry = 0
    for digit in digits:
        carry = ((carry + int(digit)) * 2) % 11
    value = (12 - carry) % 11
    return "X" if value == 10 else str(value)


def format_number(submitted_at: dt.datetime, serial: int) -> str:
    if not 1 <= serial <= 99_999_999:
        raise ValueError("the serial is 1 to 99,999,999")
    body = f"{submitted_at.astimezone(SHENZHEN):%Y%m%d}{serial:08d}"
    return f"SZ{body}{check_char(body)}"


def is_valid_number(number: str) -> bool:
    """The format and the check character; says nothing about whether such an application exists."""
    if not _NUMBER.fullmatch(number):
        return False
    return check_char(number[2:18]) == number[18]
