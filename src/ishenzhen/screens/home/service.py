"""The home screens of one app instance: built from the catalogue snapshot, kept encoded with their headers.

The anonymous screen is the same for everyone, so it is built once per (snapshot revision, locale, district
view) and kept encoded with its headers: a request is a dict lookup and two ASGI messages. The app's shared
response cache (``lib.shared_cache``) replays it in front of litestar as well, keyed by the Accept-Language
header too. A signed-in caller gets the same layout plus the 我的办件 entry; it holds nothing personal either,
so it is cached the same way, but marked private.
"""

from __future__ import annotations

import structlog

from ishenzhen.catalog.service import CatalogStore
from ishenzhen.errors import FieldError, InvalidInput
from ishenzhen.lib.http_cache import JSON_TYPE, FinishedResponse, encode_body
from ishenzhen.screens.home.layout import build_home
from ishenzhen.screens.home.schemas import HomeScreen, Locale
from ishenzhen.screens.home.text import negotiate_locale

__all__ = ["HomeScreens", "PreparedHome"]

log = structlog.get_logger(__name__)

PUBLIC_CACHE = b"public, max-age=60"
PRIVATE_CACHE = b"private, no-cache"
VARY = b"Accept-Encoding, Accept-Language, Authorization"
_LOCALE_MEMO_SIZE = 256


class PreparedHome:
    """One built screen: its ETag, the finished 200 and the 304, answered as they are to every caller."""

    __slots__ = ("etag", "not_modified", "ok")

    def __init__(self, screen: HomeScreen, signed_in: bool) -> None:
        body = encode_body(screen)
        headers = [
            (b"etag", body.etag.encode()),
            (b"cache-control", PRIVATE_CACHE if signed_in else PUBLIC_CACHE),
            (b"vary", VARY),
            (b"content-language", screen.locale.encode()),
        ]
        self.etag = body.etag
        self.not_modified = FinishedResponse(304, headers)
        length = (b"content-length", str(len(body.content)).encode())
        self.ok = FinishedResponse(200, [*headers, (b"content-type", JSON_TYPE), length], body.content)


class HomeScreens:
    """The encoded home screens of one app instance, for the current catalogue revision only.

    Bounded by construction: 2 locales × (10 districts + the whole city) × signed in or not, and the district
    is checked against the snapshot before it becomes a key. A new revision drops every entry at once.
    """

    def __init__(self) -> None:
        self._revision: int | None = None
        self._entries: dict[tuple[Locale, str | None, bool], PreparedHome] = {}
        self._locales: dict[str | None, Locale] = {}

    def locale(self, accept_language: str | None) -> Locale:
        # Apps send one of a handful of headers; memoised so the hot path does not parse it every time.
        locale = self._locales.get(accept_language)
        if locale is None:
            locale = negotiate_locale(accept_language)
            if len(self._locales) >= _LOCALE_MEMO_SIZE:
                self._locales.clear()
            self._locales[accept_language] = locale
        return locale

    def get(self, store: CatalogStore, locale: Locale, district: str | None, signed_in: bool) -> PreparedHome:
        snapshot = store.snapshot
        if snapshot.revision != self._revision:
            self._entries, self._revision = {}, snapshot.revision
        key = (locale, district, signed_in)
        prepared = self._entries.get(key)
        if prepared is None:
            if district is not None and district not in snapshot.districts:
                known = ", ".join(sorted(snapshot.districts)) or "none"
                raise InvalidInput(
                    f"query parameter 'district' names no district of the catalogue: {district}",
                    errors=[FieldError(location="query", name="district", reason=f"unknown; one of {known}")],
                )
            prepared = PreparedHome(build_home(snapshot, locale, district, signed_in), signed_in)
            self._entries[key] = prepared
            log.info(
                "screens.home_built",
                revision=snapshot.revision,
                locale=locale,
                district=district,
                signed_in=signed_in,
                bytes=len(prepared.ok.body),
            )
        return prepared
