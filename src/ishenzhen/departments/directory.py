"""The department directory: where each department's system lives, the keys, timeouts, limits and policies.

Base URLs come from configuration (a JSON file named by ``ISHENZHEN_DEPARTMENTS_DIRECTORY_FILE``), never from a
request, and each must match the allow-list of origins. A department with no base URL, or none in the file at
all, is in the state "no_system": the gateway says so instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import msgspec
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

__all__ = [
    "DepartmentDirectory",
    "DepartmentEntry",
    "DepartmentState",
    "DirectoryError",
    "DirectoryFile",
    "QueryEndpoint",
]

DepartmentState = Literal["ready", "no_system"]
Seconds = Annotated[float, msgspec.Meta(gt=0, le=600)]
Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{1,63}$")]
SigningKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
VerifyingKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey


class DirectoryError(ValueError):
    """The directory file is unreadable or names something it must not (a URL off the allow-list, a bad key)."""


class QueryEndpoint(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A read-only department endpoint the gateway may proxy: its path and the query parameters it takes."""

    path: Annotated[str, msgspec.Meta(pattern=r"^/[A-Za-z0-9/_-]{0,200}$")]
    params: list[Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,31}$")]] = []
    # The longest the gateway keeps an answer for one user, whatever the department's Cache-Control says.
    max_cache_seconds: Annotated[int, msgspec.Meta(ge=0, le=3600)] = 300


class DepartmentEntry(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    slug: Slug
    name: str = ""
    base_url: str | None = None
    # Our key for this department (it verifies our signatures with the public half): Ed25519 or P-256.
    signing_key_id: str | None = None
    signing_key_pem: str | None = None
    signing_key_file: str | None = None
    # The department's key we verify its signed answers with; None when it does not sign them.
    answer_key_id: str | None = None
    answer_public_key_pem: str | None = None
    connect_timeout: Seconds = 2.0
    read_timeout: Seconds = 10.0
    total_timeout: Seconds = 15.0
    pool_timeout: Seconds = 2.0
    max_connections: Annotated[int, msgspec.Meta(ge=1, le=1024)] = 64
    max_response_bytes: Annotated[int, msgspec.Meta(ge=1024, le=64 * 1024 * 1024)] = 1024 * 1024
    # Circuit breaker: consecutive failures that open it, first cool-down, longest cool-down.
    breaker_failures: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 5
    breaker_cool_down: Seconds = 1.0
    breaker_max_cool_down: Seconds = 60.0
    # Retry policy, for the dispatcher that schedules attempts: how many in all, and the full-jitter backoff's
    # base and ceiling (a department's Retry-After wins when it asks for longer).
    max_attempts: Annotated[int, msgspec.Meta(ge=1, le=100)] = 12
    backoff_base_seconds: Seconds = 1.0
    backoff_max_seconds: Annotated[float, msgspec.Meta(gt=0, le=86400)] = 600.0
    # Retry budget: retries may add this share of first attempts (plus one a second).
    retry_budget_ratio: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.2
    # Item codes routed to this system; None routes every item the catalogue gives the department.
    items: list[str] | None = None
    queries: dict[str, QueryEndpoint] = {}


class DirectoryFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    departments: list[DepartmentEntry]


class _Keys:
    __slots__ = ("answer", "signing")

    def __init__(self, signing: SigningKey | None, answer: VerifyingKey | None) -> None:
        self.signing = signing
        self.answer = answer


def _origin_allowed(url: str, allowed: Sequence[str]) -> bool:
    parts = urlsplit(url)
    for origin in allowed:
        rule = urlsplit(origin)
        if parts.scheme != rule.scheme or parts.hostname != rule.hostname:
            continue
        if rule.port is None or rule.port == parts.port:
            return True
    return False


def _load_keys(entry: DepartmentEntry, base: Path | None) -> _Keys:
    signing: SigningKey | None = None
    pem = entry.signing_key_pem
    if pem is None and entry.signing_key_file is not None:
        path = Path(entry.signing_key_file)
        if not path.is_absolute() and base is not None:
            path = base / path
        try:
            pem = path.read_text(encoding="ascii")
        except OSError as exc:
            raise DirectoryError(
                f"{entry.slug}: cannot read signing key file {path}: {exc.strerror}"
            ) from None
    if pem is not None:
        try:
            key = load_pem_private_key(pem.encode(), password=None)
        except (ValueError, TypeError) as exc:
            raise DirectoryError(f"{entry.slug}: signing key is not a PEM private key ({exc})") from None
        if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name != "secp256r1":
            raise DirectoryError(f"{entry.slug}: an ECDSA signing key must be on P-256")
        if not isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
            raise DirectoryError(f"{entry.slug}: signing key must be Ed25519 or ECDSA P-256")
        signing = key
    answer: VerifyingKey | None = None
    if entry.answer_public_key_pem is not None:
        try:
            public = load_pem_public_key(entry.answer_public_key_pem.encode())
        except (ValueError, TypeError) as exc:
            raise DirectoryError(f"{entry.slug}: answer key is not a PEM public key ({exc})") from None
        if not isinstance(public, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey):
            raise DirectoryError(f"{entry.slug}: answer key must be Ed25519 or ECDSA P-256")
        answer = public
    return _Keys(signing, answer)


class DepartmentDirectory:
    """Every department system the gateway may call, checked once when loaded."""

    def __init__(
        self,
        entries: Iterable[DepartmentEntry],
        *,
        allowed_origins: Sequence[str],
        require_https: bool = False,
        key_folder: Path | None = None,
    ) -> None:
        self.allowed_origins = tuple(allowed_origins)
        self._entries: dict[str, DepartmentEntry] = {}
        self._keys: dict[str, _Keys] = {}
        for entry in entries:
            if entry.slug in self._entries:
                raise DirectoryError(f"{entry.slug}: listed twice")
            if entry.base_url is not None:
                self._check_url(entry, require_https)
            keys = _load_keys(entry, key_folder)
            if entry.base_url is not None and (keys.signing is None or entry.signing_key_id is None):
                raise DirectoryError(
                    f"{entry.slug}: a department with a system needs signing_key_id and a key"
                )
            if (entry.answer_public_key_pem is None) != (entry.answer_key_id is None):
                raise DirectoryError(f"{entry.slug}: answer_key_id and answer_public_key_pem go together")
            self._entries[entry.slug] = entry
            self._keys[entry.slug] = keys

    def _check_url(self, entry: DepartmentEntry, require_https: bool) -> None:
        url = entry.base_url or ""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise DirectoryError(f"{entry.slug}: base_url {url!r} is not an absolute http(s) URL")
        if require_https and parts.scheme != "https":
            raise DirectoryError(f"{entry.slug}: base_url must be https:// in production")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise DirectoryError(f"{entry.slug}: base_url must not carry a query, fragment or credentials")
        if not _origin_allowed(url, self.allowed_origins):
            raise DirectoryError(f"{entry.slug}: base_url {url!r} is not on the allow-list of origins")

    @classmethod
    def from_file(
        cls, path: Path, *, allowed_origins: Sequence[str], require_https: bool = False
    ) -> DepartmentDirectory:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise DirectoryError(f"cannot read the department directory {path}: {exc.strerror}") from None
        try:
            document = msgspec.json.decode(raw, type=DirectoryFile)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise DirectoryError(f"{path}: {exc}") from None
        return cls(
            document.departments,
            allowed_origins=allowed_origins,
            require_https=require_https,
            key_folder=path.parent,
        )

    def __iter__(self) -> Iterator[DepartmentEntry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, slug: str) -> DepartmentEntry | None:
        return self._entries.get(slug)

    def state(self, slug: str) -> DepartmentState:
        """ "ready" when the department has a system we can call; "no_system" otherwise (also unknown slugs)."""
        entry = self._entries.get(slug)
        return "ready" if entry is not None and entry.base_url is not None else "no_system"

    def routes(self, slug: str, item_code: str) -> bool:
        """Whether an application for ``item_code`` goes to this department's system."""
        entry = self._entries.get(slug)
        if entry is None or entry.base_url is None:
            return False
        return entry.items is None or item_code in entry.items

    def query(self, slug: str, name: str) -> QueryEndpoint | None:
        entry = self._entries.get(slug)
        if entry is None or entry.base_url is None:
            return None
        return entry.queries.get(name)

    def signing_key(self, slug: str) -> SigningKey | None:
        keys = self._keys.get(slug)
        return None if keys is None else keys.signing

    def answer_key(self, slug: str) -> VerifyingKey | None:
        keys = self._keys.get(slug)
        return None if keys is None else keys.answer
