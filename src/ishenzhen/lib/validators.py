"""Check digits and formats of Chinese identity numbers: pure functions, no I/O.

- Resident ID number (公民身份号码, GB 11643-1999): 6-digit region code, 8-digit birth date, 3-digit sequence,
  and an ISO 7064 MOD 11-2 check character (``0``-``9`` or ``X``).
- Unified social credit code (统一社会信用代码, GB 32100-2015): registration authority, category, 6-digit
  division code, 9-character organisation code (GB 11714) and a MOD 31 check character, 18 characters drawn
  from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (I, O, S, V, Z are left out so they cannot be misread).
- Mainland mobile numbers: ``1[3-9]`` followed by nine digits.

The checks are strict about case (``x`` is not ``X``) so that a single changed character always breaks
validity; callers that accept user input normalise it first with :func:`normalize_identifier`.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "credit_code_check_char",
    "is_valid_credit_code",
    "is_valid_mobile",
    "is_valid_organisation_code",
    "is_valid_resident_id",
    "normalize_identifier",
    "organisation_code_check_char",
    "resident_id_check_char",
]

# GB 11643: weight of position i (1-based from the left) is 2**(18-i) mod 11.
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Index is the weighted sum mod 11.
_RESIDENT_ID_CHECK = "10X98765432"
# First two digits of a region code name a province-level division (GB/T 2260); 71 Taiwan, 81/82 HK/Macau.
_PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
)
_EARLIEST_BIRTH = dt.date(1900, 1, 1)

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_VALUE = {char: value for value, char in enumerate(CREDIT_CODE_ALPHABET)}
# GB 32100: weight of position i (0-based) is 3**i mod 31.
_CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# GB 11714 organisation code: 8 body characters (digits or capital letters) and a MOD 11 check character.
_ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORGANISATION_BODY = re.compile(r"[0-9A-Z]{8}")

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_DIGITS17 = re.compile(r"[0-9]{17}")


def normalize_identifier(text: str) -> str:
    """What a person typed, as the checks expect it: no surrounding blanks, capital letters."""
    return text.strip().upper()


def resident_id_check_char(body: str) -> str:
    """The check character of a resident ID number, from its first 17 digits."""
    if not _DIGITS17.fullmatch(body):
        raise ValueError("a resident ID body is exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(body, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK[total % 11]


def _plausible_birth_date(text: str, today: dt.date) -> bool:
    try:
        born = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= born <= today


def is_valid_resident_id(number: object, *, today: dt.date | None = None) -> bool:
    """An 18-character resident ID number with a known province, a real birth date and a matching check.

    ``today`` bounds the birth date; it defaults to the local date (the only clock read here).
    """
    if not isinstance(number, str) or len(number) != 18:
        return False
    body, check = number[:17], number[17]
    if not _DIGITS17.fullmatch(body) or int(body[:2]) not in _PROVINCE_CODES:
        return False
    if not _plausible_birth_date(body[6:14], today or dt.date.today()):
        return False
    return resident_id_check_char(body) == check


def credit_code_check_char(body: str) -> str:
    """The check character of a unified social credit code, from its first 17 characters."""
    if len(body) != 17 or any(char not in _CREDIT_CODE_VALUE for char in body):
        raise ValueError("a credit code body is 17 characters of " + CREDIT_CODE_ALPHABET)
    total = sum(
        _CREDIT_CODE_VALUE[char] * weight for char, weight in zip(body, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: object) -> bool:
    """18 characters from the GB 32100 alphabet whose last one is the MOD 31 check character."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(char not in _CREDIT_CODE_VALUE for char in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def organisation_code_check_char(body: str) -> str:
    """The GB 11714 check character of an organisation code (8 digits or capital letters)."""
    if not _ORGANISATION_BODY.fullmatch(body):
        raise ValueError("an organisation code body is 8 digits or capital letters")
    # Letters count 10 (A) to 35 (Z), as in base 36.
    total = sum(int(char, 36) * weight for char, weight in zip(body, _ORGANISATION_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_organisation_code(code: object) -> bool:
    """A 9-character organisation code (the 9th to 17th characters of a credit code)."""
    if not isinstance(code, str) or len(code) != 9 or not _ORGANISATION_BODY.fullmatch(code[:8]):
        return False
    return organisation_code_check_char(code[:8]) == code[8]


def is_valid_mobile(number: object) -> bool:
    """A mainland mobile number as dialled at home: 11 digits starting 13-19, no prefix or blanks."""
    return isinstance(number, str) and _MOBILE.fullmatch(number) is not None
