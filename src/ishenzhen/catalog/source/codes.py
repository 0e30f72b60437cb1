"""The catalogue's code formats, shared by the generator (to build codes) and the validator (to check them).

- ``basic_code`` (基本编码, 12 digits): item-type code (2) + department number (3) + kind number within the
  department (4) + sub-item number (3). District copies of a kind share it, as they share the national kind.
- ``code`` (18 digits): basic code + the 6-digit division code of where it is implemented (440300 for the
  city). Unique in the catalogue, and the key the API uses.
- ``implementation_code`` (实施编码, 39 characters): basic code + division code + the implementing body's
  unified social credit code + a 3-digit sequence, as the national rules compose it.
- Government bodies' credit codes: ``1`` (registered by the establishment office) + category (1 government
  body, 2 public institution, 3 mass organisation) + division code + 9-character organisation code + check.
"""

from __future__ import annotations

import hashlib
import re

from ishenzhen.catalog.model import ItemType, Nature
from ishenzhen.lib.validators import credit_code_check_char, organisation_code_check_char

__all__ = [
    "BASIC_CODE",
    "CATEGORY_OF_NATURE",
    "ITEM_CODE",
    "ITEM_TYPE_CODES",
    "SHENZHEN_DIVISION",
    "basic_code",
    "government_credit_code",
    "implementation_code",
    "item_code",
]

SHENZHEN_DIVISION = "440300"

# Two-digit codes of the item types, in the order the national power lists number them.
ITEM_TYPE_CODES: dict[ItemType, str] = {
    "licence": "01",
    "levy": "04",
    "benefit": "05",
    "confirmation": "07",
    "reward": "08",
    "ruling": "09",
    "other": "10",
    "public_service": "20",
}
CATEGORY_OF_NATURE: dict[Nature, str] = {
    "government_body": "11",
    "public_institution": "12",
    "mass_organisation": "13",
}

BASIC_CODE = re.compile(r"[0-9]{12}")
ITEM_CODE = re.compile(r"[0-9]{18}")
IMPLEMENTATION_SEQUENCE = re.compile(r"[0-9]{3}")


def basic_code(item_type: ItemType, department_number: int, kind_number: int, sub_item: int = 0) -> str:
    return f"{ITEM_TYPE_CODES[item_type]}{department_number:03d}{kind_number:04d}{sub_item:03d}"


def item_code(basic: str, division: str) -> str:
    return basic + division


def implementation_code(basic: str, division: str, credit_code: str, sequence: int = 1) -> str:
    return f"{basic}{division}{credit_code}{sequence:03d}"


# The GB 32100 alphabet without the letters GB 11714 organisation codes avoid in practice: keeps codes plain.
_ORGANISATION_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _organisation_code(seed: str) -> str:
    """A stable 9-character organisation code for a body: the pattern of codes issued since 2015 (MB…)."""
    digest = hashlib.sha256(seed.encode()).digest()
    body = "MB" + "".join(_ORGANISATION_ALPHABET[byte % len(_ORGANISATION_ALPHABET)] for byte in digest[:6])
    check = organisation_code_check_char(body)
    return body + check


def government_credit_code(nature: Nature, division: str, seed: str) -> str:
    """The credit code of a government body, stable for a given seed (e.g. the body's name)."""
    body = CATEGORY_OF_NATURE[nature] + division + _organisation_code(seed)
    return body + credit_code_check_char(body)
