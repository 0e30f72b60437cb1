from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.lib.validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    is_valid_credit_code,
    is_valid_mobile,
    is_valid_organisation_code,
    is_valid_resident_id,
    normalize_identifier,
    organisation_code_check_char,
    resident_id_check_char,
)

TODAY = dt.date(2020, 6, 1)

# Region codes of real divisions: Beijing Xicheng, Shenzhen Futian and Nanshan, a Guangdong county, Hong Kong.
regions = st.sampled_from(["110102", "440304", "440305", "440524", "810000", "650102"])
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def resident_id_bodies(draw: st.DrawFn) -> str:
    """Any 17-digit body a real ID number can have: region, birth date, sequence."""
    born = draw(birth_dates)
    return f"{draw(regions)}{born:%Y%m%d}{draw(sequences):03d}"


credit_code_bodies = st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17)


@given(resident_id_bodies())
def test_any_body_with_its_check_char_is_a_valid_resident_id(body: str) -> None:
    assert is_valid_resident_id(body + resident_id_check_char(body), today=TODAY)


@given(resident_id_bodies(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_changing_one_character_breaks_a_resident_id(body: str, position: int, replacement: str) -> None:
    number = body + resident_id_check_char(body)
    changed = number[:position] + replacement + number[position + 1 :]
    if changed != number:
        assert not is_valid_resident_id(changed, today=TODAY)


@given(credit_code_bodies)
def test_any_body_with_its_check_char_is_a_valid_credit_code(body: str) -> None:
    assert is_valid_credit_code(body + credit_code_check_char(body))


@given(credit_code_bodies, st.integers(min_value=0, max_value=17), st.sampled_from(CREDIT_CODE_ALPHABET))
def test_changing_one_character_breaks_a_credit_code(body: str, position: int, replacement: str) -> None:
    code = body + credit_code_check_char(body)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        assert not is_valid_credit_code(changed)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the example printed in GB 11643 itself
        "440304199001010011",
        "440305200012310046",
    ],
)
def test_real_format_resident_ids(number: str) -> None:
    assert is_valid_resident_id(number, today=TODAY)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("11010519491231002x", "lower-case x is refused until normalised"),
        ("110105194912310021", "wrong check character"),
        ("440524188001010014", "check is right but nobody alive was born in 1880"),
        ("440304202106010014", "born after today"),
        ("440304199002300013", "30 February"),
        ("990304199001010015", "99 is no province"),
        ("44030419900101001", "17 characters"),
        ("4403041990010100111", "19 characters"),
        ("４40304199001010011", "full-width digit"),
        ("", "empty"),
    ],
)
def test_invalid_resident_ids(number: str, why: str) -> None:
    assert not is_valid_resident_id(number, today=TODAY), why


def test_normalised_input_validates() -> None:
    assert is_valid_resident_id(normalize_identifier(" 11010519491231002x "), today=TODAY)


def test_today_defaults_to_the_clock() -> None:
    assert is_valid_resident_id("11010519491231002X")


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example printed in GB 32100
        "914403001922038216",  # a Shenzhen enterprise
        "91440300708461136T",
        "91110108551385082Q",
    ],
)
def test_real_credit_codes(code: str) -> None:
    assert is_valid_credit_code(code)
    assert is_valid_organisation_code(code[8:17])


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100I000100Y43",  # I is not in the alphabet
        "91350100m000100Y43",  # lower case
        "",
    ],
)
def test_invalid_credit_codes(code: str) -> None:
    assert not is_valid_credit_code(code)


def test_check_char_helpers_refuse_malformed_bodies() -> None:
    with pytest.raises(ValueError):
        resident_id_check_char("1234")
    with pytest.raises(ValueError):
        credit_code_check_char("91350100O000100Y4")
    with pytest.raises(ValueError):
        organisation_code_check_char("m0001000")


def test_organisation_code_check_char_maps_ten_and_eleven() -> None:
    # GB 11714 writes a computed 10 as X and 11 as 0.
    codes = {organisation_code_check_char(f"{n:08d}") for n in range(200)}
    assert {"X", "0"} <= codes
    assert codes <= set("0123456789X")


@pytest.mark.parametrize("number", ["13800138000", "19912345678", "15012345678"])
def test_valid_mobiles(number: str) -> None:
    assert is_valid_mobile(number)


@pytest.mark.parametrize(
    "number", ["12800138000", "1380013800", "138001380001", "+8613800138000", "138 0013 8000", "１3800138000"]
)
def test_invalid_mobiles(number: str) -> None:
    assert not is_valid_mobile(number)
