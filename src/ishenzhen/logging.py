"""structlog set-up: JSON lines in production, a readable console in development.

Every event passes through ``mask_personal_data``: resident ID numbers and mobile numbers are masked in
every string value, including exception tracebacks, wherever a caller may have put them.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO, cast

import msgspec
import structlog
import structlog.tracebacks

__all__ = ["configure_logging", "mask_personal_data", "mask_text"]

# 18-character resident ID numbers (GB 11643) and mainland mobile numbers, not inside longer digit runs.
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


# Both patterns need at least 11 digits in a row: an exact, cheap pre-check for the common case.
_LONG_DIGIT_RUN = re.compile(r"\d{11}")


def mask_text(text: str) -> str:
    """``440305199001011234`` → ``440305********1234``; ``13800138000`` → ``138****8000``."""
    if _LONG_DIGIT_RUN.search(text) is None:
        return text
    text = _RESIDENT_ID.sub(lambda m: f"{m[1]}********{m[3][-4:]}", text)
    return _MOBILE.sub(lambda m: f"{m[1]}****{m[3]}", text)


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {key: _mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_mask_value(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10_000_000_000:
        return mask_text(str(value))
    return value


def mask_personal_data(
    _logger: object, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in event_dict.items():
        event_dict[key] = _mask_value(value)
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
        # structlog only writes to and flushes the stream, which _CurrentStderr does; its annotation says TextIO.
        logger_factory=structlog.PrintLoggerFactory(cast(TextIO, stream)),
        cache_logger_on_first_use=False,
    )
