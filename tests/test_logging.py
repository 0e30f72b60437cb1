from __future__ import annotations

import asyncio
import io
import json
import re
from typing import Annotated

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from litestar import Litestar, get
from litestar.params import PathParameter
from litestar.testing import AsyncTestClient

from ishenzhen.lib.request_context import RequestContextMiddleware
from ishenzhen.logging import AccessLog, access_log, configure_logging, flush_access_log, mask_text

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(body: str) -> str:
    remainder = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11
    return body + "10X98765432"[remainder]


PROVINCES = [
    11,
    12,
    13,
    14,
    15,
    21,
    22,
    23,
    31,
    32,
    33,
    34,
    35,
    36,
    37,
    41,
    42,
    43,
    44,
    45,
    46,
    50,
    51,
    52,
    53,
    54,
    61,
    62,
    63,
    64,
    65,
]
id_bodies = st.builds(
    lambda province, rest, year, month, day, seq: (
        f"{province}{rest:04d}{year:04d}{month:02d}{day:02d}{seq:03d}"
    ),
    st.sampled_from(PROVINCES),
    st.integers(0, 9999),
    st.integers(1900, 2025),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 999),
)
# Mainland mobile number blocks (MIIT): 13x, 145-149, 15x but 154, 162/165-167, 170-178, 18x, 19x but 194.
mobiles = st.from_regex(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}", fullmatch=True)
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


# -- the access log ---------------------------------------------------------------------------------------


def _hello_app(stream: io.StringIO, log_format: str = "json", level: str = "info") -> Litestar:
    configure_logging(log_format, level, stream=stream)

    @get("/items/{code:str}", cache=False)
    async def item(code: Annotated[str, PathParameter(max_length=16)]) -> dict[str, str]:
        return {"code": code}

    @get("/boom", cache=False)
    async def boom() -> None:
        raise RuntimeError("boom")

    app = Litestar([item, boom], on_shutdown=[flush_access_log], logging_config=None)
    app.asgi_handler = RequestContextMiddleware(app.asgi_handler, access_log())
    return app


def test_an_access_line_has_the_structlog_keys_and_masks_the_path() -> None:
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    # An unmatched path is logged as it came: it may hold an ID number.
    access_log().record("r1", "GET", "/v1/people/11010519491231002X", 404, 0.25)
    line = json.loads(stream.getvalue())
    assert list(line) == [
        "request_id",
        "method",
        "route",
        "status",
        "duration_ms",
        "event",
        "level",
        "timestamp",
    ]
    assert line["route"] == "/v1/people/110105********002X" and line["event"] == "http.request"
    assert line["level"] == "info" and line["timestamp"].endswith("Z")
    access_log().record("r2", "GET", "/boom", 500, 1.0)
    assert json.loads(stream.getvalue().splitlines()[1])["level"] == "error"


def test_the_console_format_reads_like_the_other_development_lines() -> None:
    stream = io.StringIO()
    configure_logging("console", "info", stream=stream)
    access_log().record("r1", "GET", "/health/live", 200, 0.5)
    assert re.fullmatch(
        r"\S+Z \[info     \] http\.request +duration_ms=0\.5 method=GET request_id=r1 route=/health/live"
        r" status=200\n",
        stream.getvalue(),
    )


def test_a_quieter_level_keeps_only_server_errors() -> None:
    stream = io.StringIO()
    configure_logging("json", "warning", stream=stream)
    access_log().record("r1", "GET", "/a", 200, 0.1)
    access_log().record("r2", "GET", "/b", 503, 0.1)
    assert [json.loads(line)["request_id"] for line in stream.getvalue().splitlines()] == ["r2"]


class _SignallingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.flushed = asyncio.Event()

    def flush(self) -> None:
        super().flush()
        self.flushed.set()


async def test_lines_are_written_in_batches_off_the_request_path() -> None:
    stream = _SignallingStream()
    configure_logging("json", "info", stream=stream)
    for n in range(5):
        access_log().record(f"r{n}", "GET", "/a", 200, 0.1)
    assert stream.getvalue() == ""  # queued: the request does not wait for a write
    await asyncio.wait_for(stream.flushed.wait(), timeout=5)  # the loop writes them, all in one go
    assert [json.loads(line)["request_id"] for line in stream.getvalue().splitlines()] == [
        f"r{n}" for n in range(5)
    ]


async def test_no_line_is_lost_when_the_app_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AccessLog, "FLUSH_SECONDS", 3600.0)  # only the shutdown hook can write them
    stream = io.StringIO()
    async with AsyncTestClient(app=_hello_app(stream)) as client:
        for n in range(20):
            assert (await client.get(f"/items/{n}")).status_code == 200
        assert (await client.get("/boom")).status_code == 500
        assert stream.getvalue() == ""
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if '"http.request"' in line]
    assert len(lines) == 21
    assert {line["route"] for line in lines} == {"/items/{code}", "/boom"}
    assert lines[-1]["status"] == 500 and lines[-1]["level"] == "error"


def test_a_burst_is_written_before_the_queue_grows_past_its_bound() -> None:
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)

    async def burst() -> None:
        for n in range(AccessLog.MAX_PENDING):
            access_log().record(f"r{n}", "GET", "/a", 200, 0.1)

    asyncio.run(burst())  # the loop ends before its scheduled flush: the bound wrote them all already
    assert stream.getvalue().count("\n") == AccessLog.MAX_PENDING


@example("760d13712348910c26e5b1f0a9d3c4e7")  # 11 digits between hex letters: was masked as a mobile
@given(st.from_regex(r"[0-9a-f]{32}", fullmatch=True))
def test_request_ids_are_never_altered(request_id: str) -> None:
    assert mask_text(f"request {request_id} failed") == f"request {request_id} failed"


def test_system_ids_are_not_scanned_even_when_they_look_personal() -> None:
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    import structlog

    # A client may choose its own X-Request-ID; an item code may look like an ID number.
    structlog.get_logger("t").info("registry.published", request_id="13912345678", code="440305199001011237")
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "13912345678" and line["code"] == "440305199001011237"


@pytest.mark.parametrize(
    "text",
    [
        "/v1/registry/items/200410001000440300/diff",  # an 18-digit item code: no birth date, no check digit
        "/v1/catalog/items/100110001000440301",
        "batch 11010519491231002 1",  # 17 digits
        "order 12012345678 shipped",  # 120 is no mobile block
        "device 14012345678",  # 140 neither
    ],
)
def test_digits_that_are_not_an_id_or_a_mobile_are_left_alone(text: str) -> None:
    assert mask_text(text) == text


@given(id_bodies)
def test_an_id_with_a_wrong_check_digit_is_not_an_id(body: str) -> None:
    right = resident_id(body)[-1]
    wrong = next(c for c in "0123456789X" if c != right)
    assert mask_text(f"code {body}{wrong}") == f"code {body}{wrong}"


def test_personal_fields_are_masked_whatever_their_shape() -> None:
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    import structlog

    structlog.get_logger("t").info("identity.sms_sent", mobile="14012345678", id_number="11010519491231002")
    line = json.loads(stream.getvalue())
    assert line["mobile"] == "140****5678"
    assert line["id_number"] == "110105*******1002"


def test_a_one_time_code_in_a_message_is_masked() -> None:
    assert mask_text("【i深圳】验证码 534752，5分钟内有效。Your i Shenzhen code is 534752.") == (
        "【i深圳】验证码 ******，5分钟内有效。Your i Shenzhen code is ******."
    )
