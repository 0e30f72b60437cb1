from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.logging import configure_logging, mask_text

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(body: str) -> str:
    remainder = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11
    return body + "10X98765432"[remainder]


id_bodies = st.builds(
    lambda region, year, month, day, seq: f"{region}{year:04d}{month:02d}{day:02d}{seq:03d}",
    st.integers(110000, 659999),
    st.integers(1900, 2025),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 999),
)
mobiles = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)
surrounding = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Nd", "Lu", "Ll"]), max_size=8
)


@given(id_bodies, surrounding, surrounding)
def test_resident_ids_never_survive_masking(body: str, before: str, after: str) -> None:
    number = resident_id(body)
    masked = mask_text(f"{before}{number}{after}")
    assert number not in masked
    assert number[:6] + "********" + number[-4:] in masked


@given(mobiles, surrounding, surrounding)
def test_mobile_numbers_never_survive_masking(number: str, before: str, after: str) -> None:
    masked = mask_text(f"{before}{number}{after}")
    assert number not in masked
    assert f"{number[:3]}****{number[-4:]}" in masked


def test_unrelated_digits_are_left_alone() -> None:
    text = "耗时 1234 ms, order 20261124, amount 99.50"
    assert mask_text(text) == text


def test_every_event_field_is_masked_in_json_logs() -> None:
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    import structlog

    structlog.get_logger("t").info(
        "account.login", phone="13912345678", note="身份证 11010519491231002X 已核验", ids=["13912345678"]
    )
    line = json.loads(stream.getvalue())
    assert line["phone"] == "139****5678"
    assert line["note"] == "身份证 110105********002X 已核验"
    assert line["ids"] == ["139****5678"]
    assert "13912345678" not in stream.getvalue()
