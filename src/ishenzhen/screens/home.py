"""``GET /v1/app/home``: the app's home screen, composed from the catalogue snapshot and popularity.

The anonymous screen is the same for everyone, so it is built once per (snapshot revision, locale, district
view) and kept encoded with its headers: a request is a dict lookup and two ASGI messages. The app's shared
response cache (``lib.shared_cache``) replays it in front of litestar as well, keyed by the Accept-Language
header too. A signed-in caller gets the same layout plus the 我的办件 entry; it holds nothing personal either,
so it is cached the same way, but marked private.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import structlog
from litestar import Controller, Request, get
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter, Parameter
from litestar.types import ASGIApp, Receive, Scope, Send

from ishenzhen.catalog.service import CatalogStore
from ishenzhen.errors import FieldError, InvalidInput, problem_spec
from ishenzhen.identity import authenticate
from ishenzhen.lib.http_cache import encode_body, etag_matches
from ishenzhen.screens._home_layout import HOME_PATH, build_home
from ishenzhen.screens._home_schemas import HomeScreen, Locale
from ishenzhen.screens._home_text import negotiate_locale

__all__ = ["HOME_PATH", "HomeController", "HomeScreens"]

log = structlog.get_logger(__name__)

PUBLIC_CACHE = b"public, max-age=60"
PRIVATE_CACHE = b"private, no-cache"
VARY = b"Accept-Encoding, Accept-Language, Authorization"
_LOCALE_MEMO_SIZE = 256


class _Ready:
    """One finished answer (a 200 or its 304), sent as two ASGI messages with a ready header list."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


class _Prepared:
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
        self.not_modified = _Ready(304, headers, b"")
        length = (b"content-length", str(len(body.content)).encode())
        self.ok = _Ready(200, [*headers, (b"content-type", b"application/json"), length], body.content)


class HomeScreens:
    """The encoded home screens of one app instance, for the current catalogue revision only.

    Bounded by construction: 2 locales × (10 districts + the whole city) × signed in or not, and the district
    is checked against the snapshot before it becomes a key. A new revision drops every entry at once.
    """

    def __init__(self) -> None:
        self._revision: int | None = None
        self._entries: dict[tuple[Locale, str | None, bool], _Prepared] = {}
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

    def get(self, store: CatalogStore, locale: Locale, district: str | None, signed_in: bool) -> _Prepared:
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
            prepared = _Prepared(build_home(snapshot, locale, district, signed_in), signed_in)
            self._entries[key] = prepared
            log.info(
                "screens.home_built", revision=snapshot.revision, locale=locale, district=district,
                signed_in=signed_in, bytes=len(prepared.ok.body),
            )  # fmt: skip
        return prepared


def _home_screens(request: Request[Any, Any, Any]) -> HomeScreens:
    state = request.app.state
    screens = state.get("home_screens")
    if screens is None:  # made on first use: no await in between, so one per app
        screens = state["home_screens"] = HomeScreens()
    return screens  # type: ignore[no-any-return]


def _has_authorization(scope: Scope) -> bool:
    return any(name == b"authorization" for name, _ in scope["headers"])


_RESPONSES = {
    200: ResponseSpec(data_container=HomeScreen, generate_examples=False, description="The home screen"),
    304: ResponseSpec(data_container=None, generate_examples=False, description="Not modified: ETag matches"),
    400: problem_spec("A parameter is invalid, e.g. an unknown district"),
    401: problem_spec("An Authorization header was sent with an invalid or expired token"),
}


class HomeController(Controller):
    path = HOME_PATH
    tags: ClassVar[list[str]] = ["app screens"]

    @get(
        "/",
        summary="The app's home screen",
        responses=_RESPONSES,
        security=[{}, {"bearer": []}],
    )
    async def home(
        self,
        request: Request[Any, Any, Any],
        district: Annotated[
            str | None,
            Parameter(
                description="district view (6-digit division code): its items plus the city-level ones",
                pattern=r"^\d{6}$",
            ),
        ] = None,
        accept_language: Annotated[
            str | None,
            HeaderParameter(
                name="Accept-Language", required=False, max_length=512, description="zh-CN (default) or en"
            ),
        ] = None,
        if_none_match: Annotated[
            str | None, HeaderParameter(name="If-None-Match", required=False, max_length=512)
        ] = None,
    ) -> ASGIApp:
        """Sections in the order the app renders them; an app skips a section ``type`` it does not know.

        Anonymous answers are the same bytes for everyone (``Cache-Control: public``). With a bearer token
        the screen adds the 我的办件 entry and is private; an invalid token is 401, never an anonymous answer.
        """
        signed_in = False
        if _has_authorization(request.scope):
            await authenticate(request)
            signed_in = True
        screens = _home_screens(request)
        store: CatalogStore = request.app.state.catalog
        prepared = screens.get(store, screens.locale(accept_language), district, signed_in)
        return prepared.not_modified if etag_matches(if_none_match, prepared.etag) else prepared.ok
