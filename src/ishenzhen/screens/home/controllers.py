"""``GET /v1/app/home``: the app's home screen (HTTP only; the screens are built in ``service``)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import HeaderParameter, Parameter
from litestar.types import ASGIApp, Scope

from ishenzhen.approvals.facts import DISTRICT_NAMES
from ishenzhen.catalog.service import CatalogStore
from ishenzhen.errors import problem_spec
from ishenzhen.identity import authenticate
from ishenzhen.lib.http import response_spec
from ishenzhen.lib.http_cache import etag_matches
from ishenzhen.screens.home.layout import HOME_PATH
from ishenzhen.screens.home.schemas import HomeScreen
from ishenzhen.screens.home.service import HomeScreens

__all__ = ["HomeController"]


def _home_screens(request: Request[Any, Any, Any]) -> HomeScreens:
    state = request.app.state
    screens = state.get("home_screens")
    if screens is None:  # made on first use: no await in between, so one per app
        screens = state["home_screens"] = HomeScreens()
    return screens


def _has_authorization(scope: Scope) -> bool:
    return any(name == b"authorization" for name, _ in scope["headers"])


_RESPONSES = {
    200: response_spec(HomeScreen, "The home screen"),
    304: response_spec(None, "Not modified: ETag matches"),
    400: problem_spec("A parameter is invalid, e.g. an unknown district"),
    401: problem_spec("An Authorization header was sent with an invalid or expired token"),
}


class HomeController(Controller):
    path = HOME_PATH
    tags = ["app screens"]

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
                # The catalogue's districts, the only ones HomeScreens.get takes (a test keeps the two equal).
                schema_extra={"enum": sorted(DISTRICT_NAMES)},
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
