"""HTTP only: an item's guide page and application form as the app draws them, and checking a filled form.

Anonymous answers are the same bytes for everyone (``Cache-Control: public``, strong ETag, 304), so a CDN can
keep them; they vary by ``Accept-Language`` and, for the form, ``Ishenzhen-Render``. A caller with a bearer
token gets the form prefilled from their account, ``private, no-cache``. The token is optional here: it is
checked only when an ``Authorization`` header is sent, and a bad one is 401 as everywhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.openapi import ResponseSpec
from litestar.params import Body, HeaderParameter, Parameter
from litestar.types import ASGIApp

from ishenzhen.errors import FieldError, InvalidInput, problem_spec
from ishenzhen.identity import BEARER_OPT, requires
from ishenzhen.lib.http import response_spec
from ishenzhen.lib.http_cache import EncodedBody, FinishedResponse
from ishenzhen.lib.structs import Struct
from ishenzhen.screens.item_service import ItemScreens, load_licences
from ishenzhen.ui.capabilities import HEADER, HEADER_PATTERN, Capabilities
from ishenzhen.ui.resolve import ItemGuide, ResolvedForm, negotiate_locale

__all__ = ["ItemScreensController", "ValidationResult"]

PUBLIC = b"public, max-age=60"
PRIVATE = b"private, no-cache"
_VARY_GUIDE = b"Accept-Language"
_VARY_FORM = b"Accept-Language, Ishenzhen-Render, Authorization"
_PROFILE = requires("profile")[BEARER_OPT]
# A form is an object of at most a few hundred fields; anything far bigger is not a form.
_MAX_FORM_BYTES = 256 * 1024

CodeParam = Annotated[str, Parameter(max_length=64, description="the item's implementation code")]
IfNoneMatch = Annotated[str | None, HeaderParameter(name="If-None-Match", required=False, max_length=512)]
AcceptLanguage = Annotated[
    str | None,
    HeaderParameter(
        name="Accept-Language", required=False, max_length=512, description="zh-CN (default) or en"
    ),
]
RenderHeader = Annotated[
    str | None,
    HeaderParameter(
        name=HEADER,
        required=False,
        max_length=1024,
        description="spec=1.0; components=text_input,select,… (absent: everything of spec 1.0)",
        schema_extra={"pattern": HEADER_PATTERN},
    ),
]


class ValidationResult(Struct, frozen=True):
    valid: bool


def _answer(
    body: EncodedBody, if_none_match: str | None, cache: bytes, vary: bytes, language: str
) -> FinishedResponse:
    """A finished JSON answer or its 304, with our cache headers (two ASGI messages, no Response object)."""
    headers = ((b"vary", vary), (b"content-language", language.encode()))
    return FinishedResponse.json(body, if_none_match, cache_control=cache, headers=headers)


def _has_authorization(request: Request[Any, Any, Any]) -> bool:
    # Straight from the ASGI scope: cheaper than building litestar's Headers for one lookup.
    return any(name.lower() == b"authorization" for name, _ in request.scope["headers"])


def _screens(request: Request[Any, Any, Any]) -> ItemScreens:
    state = request.app.state
    screens = getattr(state, "item_screens", None)
    if screens is None or screens.store is not state.catalog:
        screens = ItemScreens(
            state.catalog, state.settings.screens.web_form_url, rule_sets=getattr(state, "rule_sets", None)
        )
        state.item_screens = screens
    return screens


def _responses(model: object, description: str) -> dict[int, ResponseSpec]:
    return {
        200: response_spec(model, description),
        304: response_spec(None, "Not modified"),
        400: problem_spec("A header or parameter is malformed"),
        401: problem_spec("The Authorization header holds no valid access token"),
        403: problem_spec("The access token lacks the profile scope"),
        404: problem_spec("No published item has this code"),
    }


class ItemScreensController(Controller):
    path = "/v1/app/items"
    tags = ("app screens",)

    @get(
        "/{code:str}/guide",
        summary="An item's guide page (办事指南), localised",
        responses=_responses(ItemGuide, "The guide"),
    )
    async def guide(
        self,
        request: Request[Any, Any, Any],
        code: CodeParam,
        if_none_match: IfNoneMatch = None,
        accept_language: AcceptLanguage = None,
    ) -> ASGIApp:
        locale = negotiate_locale(accept_language)
        body = _screens(request).guide(code, locale)
        return _answer(body, if_none_match, PUBLIC, _VARY_GUIDE, locale)

    @get(
        "/{code:str}/form",
        summary="An item's application form for this app; prefilled when signed in",
        responses=_responses(ResolvedForm, "The form"),
    )
    async def form(
        self,
        request: Request[Any, Any, Any],
        code: CodeParam,
        if_none_match: IfNoneMatch = None,
        accept_language: AcceptLanguage = None,
        render: RenderHeader = None,
    ) -> ASGIApp:
        locale = negotiate_locale(accept_language)
        screens = _screens(request)
        # An optional token: check it only when one is sent (before any work, so a bad one learns nothing).
        principal = await _PROFILE.enforce(request) if _has_authorization(request) else None
        entry = screens.form(code, locale, Capabilities.parse(render))
        if principal is None:
            return _answer(entry.anonymous, if_none_match, PUBLIC, _VARY_FORM, locale)
        state = request.app.state
        profile = await screens.profiles.get(state.db_pool, principal)
        held = await load_licences(state.db_pool, getattr(state, "platform", None), principal, entry)
        return _answer(screens.prefilled(entry, profile, held), if_none_match, PRIVATE, _VARY_FORM, locale)

    @post(
        "/{code:str}/form/validate",
        summary="Check filled-in form data; every problem at once",
        status_code=200,
        request_max_body_size=_MAX_FORM_BYTES,
        responses={
            200: response_spec(ValidationResult, "The data is complete and valid"),
            400: problem_spec("A header is malformed or the body is not JSON"),
            404: problem_spec("No published item has this code"),
            422: problem_spec("Every field at fault, each named by a JSON pointer"),
        },
    )
    async def validate(
        self,
        request: Request[Any, Any, Any],
        code: CodeParam,
        data: Annotated[dict[str, Any], Body(description="field id → value, as the components send them")],
        render: RenderHeader = None,
    ) -> ValidationResult:
        screens = _screens(request)
        entry = screens.form(code, "zh-CN", Capabilities.parse(render))
        problems = screens.validate(entry, data, dt.date.today())
        if problems:
            raise InvalidInput(
                f"{len(problems)} field(s) need attention",
                errors=[FieldError(location="body", name=p.pointer, reason=p.reason) for p in problems],
            )
        return ValidationResult(valid=True)
