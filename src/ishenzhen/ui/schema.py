"""The render spec's JSON Schema, published in ``openapi/`` for app developers (generated, not edited)."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from ishenzhen.ui.model import SPEC_VERSION, RenderSpec

__all__ = ["SCHEMA_FILE", "SCHEMA_ID", "render_spec_schema", "render_spec_schema_text"]

SCHEMA_FILE = f"render-spec-{SPEC_VERSION.split('.')[0]}.schema.json"
SCHEMA_ID = f"https://api.ishenzhen.sz.gov.cn/schemas/{SCHEMA_FILE}"


def render_spec_schema() -> dict[str, Any]:
    schema = msgspec.json.schema(RenderSpec)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "i深圳 render spec",
        "description": (
            "The guide page and application form of a service item, drawn by the app. Every node carries a "
            "`type` tag. Minor versions only add optional fields and component types; send the versions and "
            "components the app draws in the `Ishenzhen-Render` header; the server falls back for the rest."
        ),
        "version": SPEC_VERSION,
        **schema,
    }


def render_spec_schema_text() -> str:
    """The committed file's exact text: sorted keys, two-space indent, UTF-8 as is."""
    return json.dumps(render_spec_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
