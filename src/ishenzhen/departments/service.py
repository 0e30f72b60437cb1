"""Pass-through queries: allow-listed read-only department endpoints, asked with the caller's identity.

An answer is kept only for the user who asked, only when the department's ``Cache-Control`` allows it, and
never longer than the endpoint's own ceiling in the directory.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import msgspec

from ishenzhen.departments.client import DepartmentClient
from ishenzhen.departments.schemas import QueryResult
from ishenzhen.errors import FieldError, InvalidInput, NotFound

__all__ = ["MAX_PARAMETER_LENGTH", "QueryCache", "cacheable_seconds", "run_query"]

MAX_PARAMETER_LENGTH = 64
_MAX_ENTRIES = 10_000
# Bodies can be up to a department's response cap each: the cache has a byte budget, not only a count.
_MAX_BYTES = 32 * 1024 * 1024


def cacheable_seconds(cache_control: str | None) -> int:
    """How long a department lets one user's answer be reused: its ``max-age`` unless it forbids storing."""
    if not cache_control:
        return 0
    max_age = 0
    for directive in cache_control.lower().split(","):
        name, _, value = directive.strip().partition("=")
        if name in ("no-store", "no-cache"):
            return 0
        if name == "max-age":
            try:
                max_age = max(0, int(value.strip().strip('"')))
            except ValueError:
                return 0
    return max_age


@dataclass(frozen=True)
class _Cached:
    result: QueryResult
    expires_at: float


class QueryCache:
    """Answers per (user, department, query, parameters), least recently used out first."""

    def __init__(
        self,
        max_entries: int = _MAX_ENTRIES,
        max_bytes: int = _MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: OrderedDict[tuple[str, ...], _Cached] = OrderedDict()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._clock = clock

    def get(self, key: tuple[str, ...]) -> tuple[QueryResult, int] | None:
        cached = self._entries.get(key)
        if cached is None:
            return None
        remaining = cached.expires_at - self._clock()
        if remaining <= 0:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return cached.result, int(remaining)

    def put(self, key: tuple[str, ...], result: QueryResult, seconds: int) -> None:
        if len(result.body) > self._max_bytes // 16:
            return  # one answer may not push out most of the others
        self._drop(key)
        self._entries[key] = _Cached(result, self._clock() + seconds)
        self._bytes += len(result.body)
        while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple[str, ...]) -> None:
        cached = self._entries.pop(key, None)
        if cached is not None:
            self._bytes -= len(cached.result.body)

    @property
    def size_bytes(self) -> int:
        return self._bytes


def _check_parameters(allowed: list[str], params: Mapping[str, str]) -> dict[str, str]:
    errors = []
    for name, value in params.items():
        if name not in allowed:
            reason = f"not a parameter of this query (allowed: {', '.join(allowed) or 'none'})"
            errors.append(FieldError(location="query", name=name[:64], reason=reason))
        elif not value or len(value) > MAX_PARAMETER_LENGTH or not value.isprintable():
            reason = f"must be 1 to {MAX_PARAMETER_LENGTH} printable characters"
            errors.append(FieldError(location="query", name=name, reason=reason))
    if errors:
        raise InvalidInput(
            "; ".join(f"query parameter {e.name!r}: {e.reason}" for e in errors), errors=errors
        )
    return dict(sorted(params.items()))


async def run_query(
    client: DepartmentClient,
    cache: QueryCache,
    *,
    department: str,
    name: str,
    params: Mapping[str, str],
    user: str,
    party: str,
    traceparent: str | None,
) -> tuple[QueryResult, int]:
    """The department's answer (or where it failed) and how many seconds the caller may keep it."""
    endpoint = client.directory.query(department, name)
    if endpoint is None:
        if client.directory.state(department) == "no_system":
            raise NotFound(f"department {department!r} has no system connected to the gateway")
        raise NotFound(f"department {department!r} offers no query {name!r}")
    checked = _check_parameters(endpoint.params, params)
    key = (user, party, department, name, *(f"{k}={v}" for k, v in checked.items()))
    cached = cache.get(key)
    if cached is not None:
        result, remaining = cached
        return msgspec.structs.replace(result, from_cache=True), remaining
    result = await client.query(
        department, name, params=checked, user=user, party=party, traceparent=traceparent
    )
    seconds = 0
    if result.status == 200 and result.error_source is None:
        seconds = min(cacheable_seconds(result.cache_control), endpoint.max_cache_seconds)
        if seconds:
            cache.put(key, result, seconds)
    return result, seconds
