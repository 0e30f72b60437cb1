"""structlog set-up: JSON lines in production, a readable console in development.

Every event passes through ``mask_personal_data``: resident ID numbers (valid birth date and check digit) and
mobile numbers (allocated blocks) are masked in every string value, including exception tracebacks, wherever a
caller may have put them; fields named for personal data are masked whatever their shape, and fields holding
ids the system generated are left untouched.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

import msgspec
import structlog
import structlog.tracebacks

from ishenzhen.lib.validators import is_valid_resident_id

__all__ = ["configure_logging", "mask_personal_data", "mask_text"]

# Candidates, not inside longer runs of letters or digits (a hex request id holds digit runs between letters):
# 18-character resident ID numbers (GB 11643), kept only when their birth date and check digit are valid, and
# mainland mobile numbers of the allocated blocks. A code such as an 18-digit item code has no valid birth
# date or check digit, so it is left alone.
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9]))(\d{4})(\d{4})"
    r"(?![0-9A-Za-z])"
)
# A one-time code in a message text ("验证码 534752", "code is 534752").
_ONE_TIME_CODE = re.compile(r"(验证码|code is)(\s*)\d{4,8}")

# Both patterns need at least 11 digits in a row: an exact, cheap pre-check for the common case.
_LONG_DIGIT_RUN = re.compile(r"\d{11}")

# Fields the system fills with ids it generated or chose (and a client may pick its own X-Request-ID): they
# are never scanned, so they are never damaged. Fields that hold personal data are masked whatever their shape.
_SYSTEM_ID_FIELDS = frozenset(
    {"request_id", "code", "item_code", "implementation_code", "basic_code", "kid", "jti", "client_id",
     "account_id", "route", "timestamp", "etag", "revision", "version"}
)  # fmt: skip
_PERSONAL_FIELDS = frozenset({"mobile", "phone", "id_number", "resident_id"})


def _mask_resident_id(match: re.Match[str]) -> str:
    number = match[0]
    if not is_valid_resident_id(number.upper()):
        return number
    return f"{number[:6]}********{number[-4:]}"


def mask_text(text: str) -> str:
    """``440305199001011237`` → ``440305********1237``; ``13800138000`` → ``138****8000``; one-time codes."""
    if "验证码" in text or "code is" in text:
        text = _ONE_TIME_CODE.sub(lambda m: f"{m[1]}{m[2]}******", text)
    if _LONG_DIGIT_RUN.search(text) is None:
        return text
    text = _RESIDENT_ID.sub(_mask_resident_id, text)
    return _MOBILE.sub(lambda m: f"{m[1]}****{m[3]}", text)


def _mask_whole(value: str) -> str:
    """A personal field: keep its first three (mobile) or six (ID) characters and last four."""
    masked = mask_text(value)
    if masked != value or len(value) < 8:
        return masked if masked != value else "*" * len(value)
    keep = 6 if len(value) >= 15 else 3
    return f"{value[:keep]}{'*' * (len(value) - keep - 4)}{value[-4:]}"


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {key: _mask_field(key, item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_mask_value(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10_000_000_000:
        return mask_text(str(value))
    return value


def _mask_field(key: object, value: Any) -> Any:
    if key in _SYSTEM_ID_FIELDS:
        return value
    if key in _PERSONAL_FIELDS and isinstance(value, str):
        return _mask_whole(value)
    return _mask_value(value)


def mask_personal_data(
    _logger: object, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in event_dict.items():
        event_dict[key] = _mask_field(key, value)
    return event_dict


_json_encoder = msgspec.json.Encoder(enc_hook=str)


def _json_line(event: Any, **_options: Any) -> str:
    # msgspec encodes an event several times faster than the stdlib json module structlog uses by default.
    return _json_encoder.encode(event).decode()


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is at the time of the write (it is swapped by test runners)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


def configure_logging(
    log_format: str = "console", level: str = "info", stream: TextIO | _CurrentStderr | None = None
) -> None:
    """Idempotent; called by the app factory and the CLI, never at import time."""
    stream = stream or _CurrentStderr()
    shared: list[Any] = [structlog.contextvars.merge_contextvars, structlog.processors.add_log_level]
    # The timestamp is added after masking: it never holds personal data, so it need not be scanned.
    stamp = structlog.processors.TimeStamper(fmt="iso", utc=True)
    if log_format == "json":
        renderer: list[Any] = [
            # Locals stay out of logs: they may hold tokens, passwords and personal data.
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            ),
            mask_personal_data,
            stamp,
            structlog.processors.JSONRenderer(serializer=_json_line),
        ]
    else:
        renderer = [
            structlog.processors.format_exc_info,
            mask_personal_data,
            stamp,
            structlog.dev.ConsoleRenderer(
                colors=stream.isatty(), exception_formatter=structlog.dev.plain_traceback
            ),
        ]
    structlog.configure(
        processors=[*shared, *renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )
