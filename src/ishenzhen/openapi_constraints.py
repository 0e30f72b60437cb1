"""What the API enforces that litestar leaves out of the OpenAPI document it generates.

litestar describes each parameter and Struct field by its type. What the API refuses beyond those types a
client (and schemathesis' positive data) would send believing it valid, so it is written down here:

- control characters: ``lib.edge`` refuses C0 controls and DEL in the path and the query, the same in form
  field names (form values may hold tab and line breaks), and a NUL anywhere in a JSON body, names and values
  included. ``with_input_constraints`` writes them into the document as ``pattern``s, ``propertyNames``, and a
  ``JsonValue`` schema for the values a body may carry beyond its declared fields;
- a Struct with ``forbid_unknown_fields`` refuses fields it does not declare: ``additionalProperties: false``;
- constraints on the items of a list (``list[UploadId]``): litestar keeps only the list's own;
- the catalogue search's ``q`` (no control, format or private-use character, not blank), which its handler
  checks; other handlers' own formats are declared next to them with ``schema_extra``.

The Struct facts are read from the Structs themselves by ``StructConstraints``, a schema plugin that runs
before litestar's own and completes the schema that one makes; the rest is applied to the whole document when it is
rendered (once per app: litestar caches the document it serves). A header is absent or a string, so the null
branch litestar gives an optional header is dropped (a client would send the text ``null``).
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

import msgspec
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import OpenAPI, Schema
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

__all__ = [
    "CLEAN_TEXT",
    "JSON_TEXT",
    "ConstrainedOpenAPIConfig",
    "StructConstraints",
    "with_input_constraints",
]

# What lib.edge lets through, as ECMA-262 patterns (escapes, never raw control characters in the document).
CLEAN_TEXT = r"^[^\x00-\x1f\x7f]*$"  # path and query parameters, form field names
FORM_VALUE_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # form values: tab, CR and LF allowed
JSON_TEXT = r"^[^\x00]*$"  # strings and names in a JSON body
JSON_VALUE = "JsonValue"

_JSON_VALUE_SCHEMA: dict[str, Any] = {
    "description": "Any JSON value whose strings and names hold no NUL character (the API refuses \\u0000)",
    "anyOf": [
        {"type": ["null", "boolean", "number"]},
        {"type": "string", "pattern": JSON_TEXT},
        {"type": "array", "items": {"$ref": f"#/components/schemas/{JSON_VALUE}"}},
        {
            "type": "object",
            "propertyNames": {"pattern": JSON_TEXT},
            "additionalProperties": {"$ref": f"#/components/schemas/{JSON_VALUE}"},
        },
    ],
}


def _character_class(matches: Callable[[str], bool]) -> str:
    """A regex class body of every code point ``matches`` (surrogates left out: no text holds one alone)."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for point in range(sys.maxunicode + 2):
        inside = point <= sys.maxunicode and not 0xD800 <= point <= 0xDFFF and matches(chr(point))
        if inside and start is None:
            start = point
        elif not inside and start is not None:
            spans.append((start, point - 1))
            start = None

    def escape(point: int) -> str:
        # \uXXXX and \UXXXXXXXX: what Python's re (the fuzzer) and the validators' engines all read.
        return f"\\u{point:04x}" if point <= 0xFFFF else f"\\U{point:08x}"

    return "".join(escape(a) if a == b else f"{escape(a)}-{escape(b)}" for a, b in spans)


def _refused_in_search(char: str) -> bool:
    return not char.isprintable() and unicodedata.category(char) in {"Cc", "Cf", "Co"}


@cache
def _search_text() -> dict[str, Any]:
    """What the catalogue's search takes as ``q``: no control, format or private-use character, and not only
    white space (catalog.controllers._clean_query)."""
    # "Not blank" as its own ``not`` rather than folded into the pattern (``^[^R]*[^RS][^R]*$``): the same
    # language, but schemathesis draws from it about four times faster (46 s → 11 s per 80 draws, measured).
    return {
        "pattern": f"^[^{_character_class(_refused_in_search)}]*$",
        "not": {"pattern": f"^[{_character_class(str.isspace)}]*$"},
    }


# Parameters an operation checks more strictly than the edge, in handlers this module does not own:
# (path, parameter) → the schema keywords of what the handler takes.
_PARAMETER_SCHEMAS: dict[tuple[str, str], Callable[[], dict[str, Any]]] = {
    ("/v1/catalog/search", "q"): _search_text
}

# A string whose value is already constrained needs no text pattern on top (a UUID, a date, an enum member).
_ALREADY_CONSTRAINED = ("pattern", "format", "enum", "const", "contentEncoding", "contentMediaType")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_KEYS = ("items", "not", "contains", "if", "then", "else")


def _may_be_string(schema: dict[str, Any]) -> bool:
    declared = schema.get("type")
    if isinstance(declared, list):
        return "string" in declared
    if declared is not None:
        return bool(declared == "string")
    return any(_may_be_string(branch) for branch in schema.get("oneOf", []) + schema.get("anyOf", []))


def _is_constrained(schema: dict[str, Any]) -> bool:
    if any(key in schema for key in _ALREADY_CONSTRAINED):
        return True
    return any(_is_constrained(branch) for branch in schema.get("oneOf", []) + schema.get("anyOf", []))


def _constrain_parameter(schema: dict[str, Any]) -> None:
    """A path or query parameter: its text (or each item's) free of control characters."""
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        _constrain_parameter(schema["items"])
    elif _may_be_string(schema) and not _is_constrained(schema):
        schema["pattern"] = CLEAN_TEXT


def _header_without_null(schema: dict[str, Any]) -> None:
    """A header is absent or a string: litestar's ``str | None`` branch for null cannot be sent (a client
    reading it would send the text ``null``)."""
    branches = schema.get("oneOf")
    if not isinstance(branches, list) or {"type": "null"} not in branches:
        return
    kept = [branch for branch in branches if branch != {"type": "null"}]
    del schema["oneOf"]
    if len(kept) == 1:
        schema.update(kept[0])
    else:
        schema["oneOf"] = kept


@dataclass(frozen=True)
class _BodyRules:
    text: str  # the pattern of a string value
    names: str  # the pattern of a property name
    extra: dict[str, Any]  # the schema of a value under a name the body does not declare


_JSON_BODY = _BodyRules(JSON_TEXT, JSON_TEXT, {"$ref": f"#/components/schemas/{JSON_VALUE}"})
_FORM_BODY = _BodyRules(FORM_VALUE_TEXT, CLEAN_TEXT, {"type": "string", "pattern": FORM_VALUE_TEXT})


def _constrain_body(
    schema: dict[str, Any], components: dict[str, Any], rules: _BodyRules, seen: set[str]
) -> None:
    """Every string of a request body schema free of what the edge refuses, following references once."""
    reference = schema.get("$ref")
    if isinstance(reference, str):
        name = reference.rsplit("/", 1)[-1]
        if name not in seen and name in components:
            seen.add(name)
            _constrain_body(components[name], components, rules, seen)
        return
    declared = schema.get("type")
    if (
        declared == "string" or (isinstance(declared, list) and "string" in declared)
    ) and not _is_constrained(schema):
        schema["pattern"] = rules.text
    if schema.get("type") == "object":
        schema.setdefault("propertyNames", {"pattern": rules.names})
        if "additionalProperties" not in schema or schema["additionalProperties"] == {}:
            schema["additionalProperties"] = deepcopy(rules.extra)
    for key in ("properties", "patternProperties", "$defs"):
        for child in schema.get(key, {}).values():
            _constrain_body(child, components, rules, seen)
    for key in _SUBSCHEMA_LISTS:
        for child in schema.get(key, []):
            _constrain_body(child, components, rules, seen)
    for key in (*_SUBSCHEMA_KEYS, "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _constrain_body(schema[key], components, rules, seen)


def with_input_constraints(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with lib.edge's refusals written into its parameters and request bodies (in place)."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    json_schemas: set[str] = set()
    form_schemas: set[str] = set()
    for path, path_item in document.get("paths", {}).items():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema")
                if not isinstance(schema, dict):
                    continue
                stricter = _PARAMETER_SCHEMAS.get((path, parameter.get("name", "")))
                if stricter is not None:
                    schema.update(deepcopy(stricter()))
                elif parameter.get("in") in ("path", "query"):
                    _constrain_parameter(schema)
                elif parameter.get("in") == "header":
                    _header_without_null(schema)
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                schema = content.get("schema")
                if not isinstance(schema, dict):
                    continue
                if media_type == "application/x-www-form-urlencoded":
                    _constrain_body(schema, components, _FORM_BODY, form_schemas)
                elif media_type == "application/json" or media_type.endswith("+json"):
                    _constrain_body(schema, components, _JSON_BODY, json_schemas)
    if json_schemas & form_schemas:
        raise ValueError(f"a schema is both a JSON and a form body: {sorted(json_schemas & form_schemas)}")
    if json_schemas:
        components[JSON_VALUE] = deepcopy(_JSON_VALUE_SCHEMA)
    return document


@dataclass
class _ConstrainedOpenAPI(OpenAPI):
    def to_schema(self) -> dict[str, Any]:
        # Rendered once per app (litestar caches the dict it serves); the export renders it the same way.
        return with_input_constraints(super().to_schema())


class ConstrainedOpenAPIConfig(OpenAPIConfig):
    """``OpenAPIConfig`` whose document carries ``with_input_constraints``."""

    def to_openapi_schema(self) -> OpenAPI:
        plain = super().to_openapi_schema()
        return _ConstrainedOpenAPI(**{field.name: getattr(plain, field.name) for field in fields(plain)})


def _item_constraints(info: msgspec.inspect.Type) -> dict[str, Any]:
    """A list item's msgspec constraints (the ones litestar drops), as ``Schema`` attributes."""
    if isinstance(info, msgspec.inspect.StrType):
        found = {"pattern": info.pattern, "min_length": info.min_length, "max_length": info.max_length}
    elif isinstance(info, msgspec.inspect.IntType):
        found = {"minimum": info.ge, "maximum": info.le}
    else:
        found = {}
    return {key: value for key, value in found.items() if value is not None}


def _without_none(info: msgspec.inspect.Type) -> msgspec.inspect.Type:
    if isinstance(info, msgspec.inspect.UnionType):
        others = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
        if len(others) == 1:
            return others[0]
    return info


class StructConstraints(OpenAPISchemaPlugin):
    """Adds to litestar's own Struct schema what a Struct enforces and litestar does not write down:
    ``forbid_unknown_fields`` (``additionalProperties: false``) and the constraints of list items."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return not field_definition.is_union and field_definition.is_subclass_of(msgspec.Struct)

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        builtin = next(
            plugin
            for plugin in schema_creator.plugins
            if plugin is not self and schema_creator.plugin_supports_field(plugin, field_definition)
        )
        reference = builtin.to_openapi_schema(field_definition, schema_creator)
        schema = schema_creator.schema_registry.get_schema_for_field_definition(field_definition)
        info = msgspec.inspect.type_info(field_definition.type_)
        if not isinstance(info, msgspec.inspect.StructType):
            return reference
        if info.forbid_unknown_fields:
            schema.additional_properties = False
        for field in info.fields:
            field_type = _without_none(field.type)
            if not isinstance(field_type, msgspec.inspect.ListType):
                continue
            items = getattr((schema.properties or {}).get(field.encode_name), "items", None)
            if isinstance(items, Schema):
                for attribute, value in _item_constraints(field_type.item_type).items():
                    setattr(items, attribute, value)
        return reference
