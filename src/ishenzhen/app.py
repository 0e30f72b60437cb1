"""The one app factory: routes, lifespans, plugins and the error map are wired here and nowhere else."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg
import msgspec
import structlog
from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, Contact, License, SecurityScheme
from litestar.routes import HTTPRoute
from litestar.types import ControllerRouterHandler, Scope

from ishenzhen import __version__
from ishenzhen.api_docs import DocsPage, assets_router
from ishenzhen.api_links import with_links
from ishenzhen.catalog.controllers import CatalogController
from ishenzhen.catalog.lifespan import catalog_lifespan
from ishenzhen.catalog.search_endpoint import SearchEndpoint
from ishenzhen.catalog.service import CatalogStore
from ishenzhen.db.pool import database_lifespan
from ishenzhen.departments.controllers import DepartmentQueriesController
from ishenzhen.departments.state import departments_lifespan
from ishenzhen.errors import edge_problem, exception_handlers, problem_spec
from ishenzhen.handling.controllers import HANDLING_CONTROLLERS
from ishenzhen.handling.lifespan import handling_lifespan
from ishenzhen.health.controllers import HealthController, ServiceIndexController
from ishenzhen.identity import IdentityState, enforce_bearer, identity_lifespan
from ishenzhen.identity.controllers import (
    AgentInvitationsController,
    DiscoveryController,
    EnterpriseAgentsController,
    LoginController,
    MeController,
    OAuthController,
    VerificationController,
)
from ishenzhen.lib.edge import EdgeChecks, Refusal, describe
from ishenzhen.lib.heap import long_lived_heap_lifespan
from ishenzhen.lib.http import JSON, require_media_type, response_spec
from ishenzhen.lib.http_methods import MethodSemantics
from ishenzhen.lib.request_context import RequestContextMiddleware
from ishenzhen.lib.security_headers import SecurityHeaders
from ishenzhen.lib.shared_cache import SharedResponseCache
from ishenzhen.lib.shared_store import shared_store_lifespan
from ishenzhen.lib.structs import Struct
from ishenzhen.logging import access_log, configure_logging, flush_access_log
from ishenzhen.notifications.controllers import MessagesController
from ishenzhen.notifications.lifespan import notifications_lifespan
from ishenzhen.openapi_constraints import ConstrainedOpenAPIConfig, StructConstraints
from ishenzhen.ops.controllers import OPS_CONTROLLERS
from ishenzhen.ops.metrics import RequestMetrics
from ishenzhen.registry.controllers import REGISTRY_CONTROLLERS
from ishenzhen.registry.scheduler import registry_lifespan
from ishenzhen.results.controllers import (
    DepartmentResultsController,
    HeldResultsController,
    ResultsController,
)
from ishenzhen.screens.home import HOME_PATH, HomeController
from ishenzhen.screens.items import ItemScreensController
from ishenzhen.settings import Settings, load_settings
from ishenzhen.sharing.controllers import DataAccessController, LicenceWalletController
from ishenzhen.sharing.lifespan import sharing_lifespan

log = structlog.get_logger(__name__)

__all__ = ["OPENAPI_PATH", "create_app", "create_app_from_environment"]

OPENAPI_PATH = "/docs"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# The docs page runs only the project's own scripts; its UI sets inline styles, and "Try it out" calls this
# origin. It shares the origin of the sign-in pages, so nothing may frame it.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def _openapi_config() -> OpenAPIConfig:
    # What the API enforces beyond the types litestar reads: see ishenzhen.openapi_constraints.
    return ConstrainedOpenAPIConfig(
        title="ishenzhen API",
        version=__version__,
        description=(
            "i深圳 city-government super-app back end: service catalogue, identity provider, "
            "handling gateway and service-item registry. Errors are RFC 9457 problem+json."
        ),
        contact=Contact(name="ishenzhen developers"),
        license=License(name="Apache-2.0", identifier="Apache-2.0"),
        path=OPENAPI_PATH,
        render_plugins=[
            # Served from the package (no CDN): see ishenzhen.api_docs.
            DocsPage(path="/"),
            JsonRenderPlugin(path="/openapi.json"),
            YamlRenderPlugin(path="/openapi.yaml"),
        ],
        use_handler_docstrings=True,
        # Protected endpoints take RFC 9068 access tokens from /oauth/token.
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(
                    type="http", scheme="bearer", bearer_format="JWT", description="RFC 9068 access token"
                )
            }
        ),
    )


def _route_handlers(settings: Settings) -> list[ControllerRouterHandler]:
    handlers: list[ControllerRouterHandler] = [
        ServiceIndexController,
        HealthController,
        CatalogController,
        assets_router(),
    ]
    # The identity provider: OAuth/OIDC, sign-in pages, the caller's own account, verification, agents
    handlers += [
        OAuthController,
        LoginController,
        DiscoveryController,
        MeController,
        VerificationController,
        AgentInvitationsController,
        EnterpriseAgentsController,
    ]
    # The registry, and the app's screens it drives
    handlers += [*REGISTRY_CONTROLLERS, HomeController, ItemScreensController]
    # Every use of a citizen's data, for the citizen.
    handlers += [
        DataAccessController,
        LicenceWalletController,
        ResultsController,
        HeldResultsController,
        DepartmentResultsController,
    ]
    # Pass-through queries to department systems.
    handlers += [DepartmentQueriesController]
    # Applying and following, department callbacks, the inbox and live stream, operations.
    handlers += [*HANDLING_CONTROLLERS, MessagesController, *OPS_CONTROLLERS]
    if settings.http.enable_bench_routes:
        from ishenzhen.bench_routes import BENCH_ROUTES  # only for the benchmark harness

        handlers += BENCH_ROUTES
    return handlers


_OAUTH_PREFIX = "/oauth/"
_OAUTH_HEADERS = [
    (b"content-type", JSON.encode()),
    (b"cache-control", b"no-store"),
    (b"pragma", b"no-cache"),
]
_oauth_encoder = msgspec.json.Encoder()


# Pages a browser opens: a refusal there is a page the citizen can read (RFC 6749 §4.1.2.1: never a redirect).
_BROWSER_PAGES = frozenset({"/oauth/authorize", "/oauth/end-session"})
_PAGE_HEADERS = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store")]


class OAuthRefusal(Struct, frozen=True):
    """RFC 6749 §5.2 error body of an OAuth endpoint's edge refusal."""

    error: str
    error_description: str


def _edge_answer(scope: Scope, refusal: Refusal) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """OAuth endpoints answer RFC 6749 §5.2 bodies (their browser pages, a page); every other problem+json."""
    if not scope["path"].startswith(_OAUTH_PREFIX) or refusal.status != 400:
        return edge_problem(scope, refusal)
    if scope["path"] in _BROWSER_PAGES:
        page = (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>请求有误 Bad request</title>'
            f"</head><body><h1>请求有误 Bad request</h1><p>{html.escape(describe(refusal))}</p></body></html>"
        )
        return 400, list(_PAGE_HEADERS), page.encode()
    body = OAuthRefusal(error="invalid_request", error_description=describe(refusal))
    return 400, list(_OAUTH_HEADERS), _oauth_encoder.encode(body)


def _document_edge_refusals(app: Litestar) -> None:
    """Every documented operation may get the edge's 400 (a parameter, header or body that is not clean
    text): say so in the document, so a client and the fuzzer expect it."""
    problem = problem_spec(
        "A parameter, header or body the edge refuses (not UTF-8, control characters, "
        "JSON nested too deep); `errors` names it"
    )
    oauth = response_spec(OAuthRefusal, "RFC 6749 invalid_request: a parameter that is not clean text")
    # The HTTP server's own refusals, before the app sees the request (README, "Errors"): no body to describe.
    too_long = response_spec(None, "Request line beyond the HTTP server's buffer (granian; empty body)")
    too_large = response_spec(None, "Headers beyond the HTTP server's buffer (granian; empty body)")
    too_big_body = problem_spec("The body is larger than the server accepts")
    invalid_body = problem_spec("The body does not match its schema; `errors` names each field and why")
    wrong_media_type = problem_spec(
        "The body is not in the media type this operation takes (see requestBody)"
    )
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.include_in_schema is False:
                continue
            responses = dict(handler.responses or {})
            if responses.get(400) is None:
                responses[400] = oauth if route.path.startswith(_OAUTH_PREFIX) else problem
            responses.setdefault(414, too_long)
            responses.setdefault(431, too_large)
            if "data" in handler.parsed_fn_signature.parameters and _BODY_METHODS & handler.http_methods:
                # The same rule as _require_declared_media_type and the body-size limit, so the document
                # cannot drift from what every body-taking handler answers.
                responses.setdefault(413, too_big_body)
                responses.setdefault(415, wrong_media_type)
                responses.setdefault(422, invalid_body)
            handler.responses = responses
            handler.operation_class = with_links(handler.operation_class)


async def _require_declared_media_type(request: Request[Any, Any, Any]) -> None:
    """415 for a body in a media type the handler does not accept (litestar would try to parse it anyway)."""
    if request.method not in _BODY_METHODS:
        return
    data_parameter = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data_parameter is None:
        return
    # litestar declares it as a RequestEncodingType member, a plain string, or not at all (JSON).
    declared = getattr(data_parameter.kwarg_definition, "media_type", None) or JSON
    require_media_type(request, str(getattr(declared, "value", declared)))


async def _before_request(request: Request[Any, Any, Any]) -> None:
    # Who may call comes first: an anonymous caller learns nothing about the body it sent.
    await enforce_bearer(request)
    await _require_declared_media_type(request)


def _allow_table(app: Litestar) -> Callable[[str], str | None]:
    """Every method of each path, as ``Allow`` lists them (HEAD wherever GET is: see lib.http_methods)."""
    table: dict[str, str] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            methods = set(route.methods) | {"OPTIONS"}
            if "GET" in methods:
                methods.add("HEAD")
            table[route.path_format] = table[route.path] = ", ".join(sorted(methods))
    return table.get


def create_app(
    settings: Settings | None = None,
    *,
    db_pool: asyncpg.Pool | None = None,
    extra_route_handlers: Sequence[ControllerRouterHandler] = (),
) -> Litestar:
    """Build the ASGI app. Pass ``db_pool`` to share a pool the caller owns (tests); else one is made."""
    settings = settings or load_settings()
    configure_logging(settings.effective_log_format, settings.logging.level)

    def provide_db_pool(state: State) -> asyncpg.Pool:
        return state.db_pool

    def provide_catalog(state: State) -> CatalogStore:
        return state.catalog

    def provide_identity(state: State) -> IdentityState:
        return state.identity

    app = Litestar(
        route_handlers=[*_route_handlers(settings), *extra_route_handlers],
        lifespan=[
            database_lifespan(settings, db_pool),
            shared_store_lifespan(
                settings.shared.valkey_url, settings.shared.valkey_timeout_seconds, settings.http.workers
            ),
            catalog_lifespan(settings.database.url, settings.database.change_poll_seconds),
            identity_lifespan(settings),
            registry_lifespan(settings.registry.scheduler_seconds),
            sharing_lifespan(settings),
            departments_lifespan(settings),
            notifications_lifespan(settings),
            handling_lifespan(settings),
            long_lived_heap_lifespan,
        ],
        # Access lines wait up to 50 ms to be written in a batch: none may be lost when the app stops.
        on_shutdown=[flush_access_log],
        dependencies={
            "db_pool": Provide(provide_db_pool, sync_to_thread=False),
            "catalog": Provide(provide_catalog, sync_to_thread=False),
            "identity": Provide(provide_identity, sync_to_thread=False),
        },
        exception_handlers=exception_handlers(),
        before_request=_before_request,
        openapi_config=_openapi_config(),
        plugins=[StructConstraints()],
        request_max_body_size=settings.http.max_body_bytes,
        state=State({"settings": settings}),
        logging_config=None,
        debug=False,
    )

    _document_edge_refusals(app)

    def catalog_revision() -> int | None:
        store = getattr(app.state, "catalog", None)
        return None if store is None else store.snapshot.revision

    inner = app.asgi_handler
    if settings.catalog.raw_search:
        # Inside the shared cache: only its misses (the every-query-new searches) pay for a search at all.
        inner = SearchEndpoint(inner, store=lambda: getattr(app.state, "catalog", None))
    if settings.catalog.shared_cache_mb > 0:
        inner = SharedResponseCache(
            inner,
            prefixes=("/v1/catalog/",),
            version=catalog_revision,
            max_bytes=settings.catalog.shared_cache_mb * 1024 * 1024,
        )
        # The anonymous home screen, localised, so Accept-Language is part of the key. A few dozen
        # entries of ~12 KB at most: its own small budget, so catalogue searches never evict it.
        inner = SharedResponseCache(
            inner,
            prefixes=(HOME_PATH,),
            version=catalog_revision,
            max_bytes=2 * 1024 * 1024,
            vary=(b"accept-language",),
        )
    # Outside the caches: refused input is never looked up, stored or answered from them.
    inner = EdgeChecks(
        inner,
        answer=_edge_answer,
        max_body_bytes=settings.http.max_body_bytes,
        body_read_seconds=settings.http.body_read_seconds,
    )
    inner = MethodSemantics(inner, allow_for=_allow_table(app))
    inner = SecurityHeaders(inner, docs_prefix=OPENAPI_PATH, docs_csp=DOCS_CSP)
    # Wrap the whole app, not each route: 404s and 405s also get a request id and an access event.
    app.asgi_handler = RequestContextMiddleware(
        RequestMetrics(inner), access_log=access_log() if settings.logging.access_log else None
    )
    return app


def create_app_from_environment() -> Litestar:
    """Factory for ASGI servers (granian ``--factory``): settings come from the environment, read now."""
    return create_app(load_settings())
