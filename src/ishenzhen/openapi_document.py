"""The OpenAPI document as committed in ``openapi/``: generated from the app, byte-stable."""

from __future__ import annotations

import json

from litestar.serialization import encode_json

from ishenzhen.settings import Settings, replace_settings

__all__ = ["render_openapi"]


def render_openapi(settings: Settings) -> str:
    from ishenzhen.app import create_app

    # The document describes what production serves: benchmark routes are never part of it.
    app = create_app(replace_settings(settings, enable_bench_routes=False))
    # The app's config adds ishenzhen.openapi_constraints when the document is rendered.
    # litestar's encoder knows the Structs that appear in examples; re-dumped sorted for stable diffs.
    schema = json.loads(encode_json(app.openapi_schema.to_schema()))
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
