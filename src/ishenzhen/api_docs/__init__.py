"""The interactive API docs page, served entirely from this package: no CDN, no unpinned code on our origin.

Swagger UI's distribution files (``swagger-ui-dist`` 5.35.0, Apache-2.0, licence and notice beside them) are
committed under ``swagger-ui-<version>/`` and served at ``/docs/assets/``; the page runs them and one script of
ours (``init.js``), nothing inline, so the page's CSP can be ``script-src 'self'``. To upgrade: unpack the new
``swagger-ui-dist`` package, copy the same files into a folder named after its version, change ``VERSION``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.router import Router
from litestar.static_files import create_static_files_router

__all__ = ["ASSETS_PATH", "VERSION", "DocsPage", "assets_router"]

VERSION = "5.35.0"
ASSETS_PATH = "/docs/assets"
_HERE = Path(__file__).parent
_ASSETS = _HERE / f"swagger-ui-{VERSION}"
_ONE_YEAR = 365 * 86400


class DocsPage(OpenAPIRenderPlugin):
    """Swagger UI over the served OpenAPI document."""

    def __init__(self, *, path: str = "/") -> None:
        super().__init__(path=path, favicon="", style="")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        base = f"{ASSETS_PATH}/{VERSION}"
        title = escape(str(openapi_schema["info"]["title"]))
        document = escape(self.get_openapi_json_route(request))
        return (
            "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            '<meta name=viewport content="width=device-width, initial-scale=1">'
            f"<title>{title}</title>"
            f'<link rel=icon type=image/png href="{base}/favicon-32x32.png">'
            f'<link rel=stylesheet href="{base}/swagger-ui.css"></head>'
            f'<body><div id=swagger-ui data-url="{document}"></div>'
            f'<script src="{base}/swagger-ui-bundle.js"></script>'
            f'<script src="{base}/init.js"></script></body></html>'
        ).encode()


def assets_router() -> Router:
    """The committed files, under a versioned path: cached for a year, a new version is a new URL."""
    return create_static_files_router(
        path=f"{ASSETS_PATH}/{VERSION}",
        directories=[_ASSETS],
        include_in_schema=False,
        cache_control=CacheControlHeader(public=True, max_age=_ONE_YEAR),
        name="docs-assets",
    )
