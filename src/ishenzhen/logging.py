"""structlog set-up: JSON lines in production, a readable console in development.

Every event passes through ``mask_personal_data``: resident ID numbers (valid birth date and check digit) and
mobile numbers (allocated blocks) are masked in every string value, including exception tracebacks, wherever a
caller may have put them; fields named for personal data are masked whatever their shape, and fields holding
ids the system generated are left untouched.

The one access event per request is the exception to the structlog path: it is the only event on every
request, and structlog's chain (processors, a dict per event, a write and flush per line) cost ~40% of a
cheap endpoint's throughput. ``AccessLog`` renders the same line (same keys, same masking) with one
msgspec encode and queues it; the event loop writes the queue in one call every ``FLUSH_SECONDS``, and
whatever is queued is written on lifespan shutdown and at interpreter exit, so no line is lost on a clean
stop.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import re
import sys
import time
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO, cast

import msgspec
import structlog
import structlog.tracebacks

from ishenzhen.lib.validators import is_valid_resident_id

__all__ = [
    "AccessLog",
    "access_log",
    "configure_logging",
    "flush_access_log",
    "mask_personal_data",
    "mask_text",
]

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
    {
        "request_id",
        "code",
        "item_code",
        "implementation_code",
        "basic_code",
        "kid",
        "jti",
        "client_id",
        "account_id",
        "route",
        "timestamp",
        "etag",
        "revision",
        "version",
    }
)
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


class _AccessEvent(msgspec.Struct):
    # The keys and order structlog's JSON renderer gave this event, so log pipelines see no change.
    request_id: str
    method: str
    route: str
    status: int
    duration_ms: float
    event: str
    level: str
    timestamp: str


_access_encoder = msgspec.json.Encoder()


class _Clock:
    """ISO 8601 UTC timestamps like structlog's ``TimeStamper(fmt="iso", utc=True)``; the date and time
    part is formatted once per second."""

    __slots__ = ("_prefix", "_second")

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def now(self) -> str:
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            self._prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._prefix}.{int((now - second) * 1_000_000):06d}Z"


class AccessLog:
    """The access event, rendered without structlog and written in batches off the request path."""

    FLUSH_SECONDS = 0.05  # how long a line may wait in memory; also bounds what a kill -9 can lose
    MAX_PENDING = 512  # lines; written at once beyond this, so a burst cannot grow the queue unbounded

    __slots__ = ("_clock", "_console", "_enabled", "_error_enabled", "_loop", "_pending", "_stream")

    def __init__(
        self, stream: TextIO | _CurrentStderr, log_format: str = "json", level: str = "info"
    ) -> None:
        threshold = logging.getLevelNamesMapping()[level.upper()]
        self._stream = stream
        self._console = log_format != "json"
        self._enabled = threshold <= logging.INFO
        self._error_enabled = threshold <= logging.ERROR
        self._pending: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop a flush is scheduled on
        self._clock = _Clock()

    def record(self, request_id: str, method: str, route: str, status: int, duration_ms: float) -> None:
        level = "error" if status >= 500 else "info"
        if not (self._error_enabled if status >= 500 else self._enabled):
            return
        # The route is a template, but an unmatched path is logged as sent: it may hold an ID number.
        request_id, route = mask_text(request_id), mask_text(route)
        stamp = self._clock.now()
        if self._console:
            line = (
                f"{stamp} [{level:<9s}] {'http.request':<30s} duration_ms={duration_ms} method={method} "
                f"request_id={request_id} route={route} status={status}\n"
            )
        else:
            event = _AccessEvent(request_id, method, route, status, duration_ms, "http.request", level, stamp)
            line = _access_encoder.encode(event).decode() + "\n"
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None  # a script or a synchronous test: nothing to batch with
        if self._loop is not None and self._loop is not loop:
            self.flush()  # lines waiting for another (perhaps closed) loop: write them first
            self._loop = None
        pending = self._pending
        pending.append(line)
        if loop is None or len(pending) >= self.MAX_PENDING:
            self.flush()
        elif self._loop is None:
            self._loop = loop
            loop.call_later(self.FLUSH_SECONDS, self._scheduled_flush)

    def _scheduled_flush(self) -> None:
        self._loop = None
        self.flush()

    def flush(self) -> None:
        """Write every queued line in one call."""
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # a closed stream at interpreter exit: nothing left to write to
            pass


_access_log: AccessLog | None = None


def access_log() -> AccessLog:
    """The access log of the current logging configuration (configured with defaults if there is none)."""
    if _access_log is None:
        configure_logging()
    assert _access_log is not None
    return _access_log


def flush_access_log() -> None:
    """Write every queued access line now (the app's shutdown hook, and at interpreter exit)."""
    if _access_log is not None:
        _access_log.flush()


def configure_logging(
    log_format: str = "console", level: str = "info", stream: TextIO | _CurrentStderr | None = None
) -> None:
    """Idempotent; called by the app factory and the CLI, never at import time."""
    global _access_log
    stream = stream or _CurrentStderr()
    if _access_log is not None:
        _access_log.flush()  # lines of the previous configuration go where they were meant to
    else:
        atexit.register(flush_access_log)  # once: what is still queued when the process ends
    _access_log = AccessLog(stream, log_format, level)
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
