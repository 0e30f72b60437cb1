"""Pairs of operations where one's response yields an identifier the other takes, read from the OpenAPI document.

This is the measure of link coverage: schemathesis' stateful phase reaches an operation on a real resource only
through a link, because no generator guesses an application id or an invitation id. A pair is:

- a *target* operation that takes identifiers: path parameters named like one (``code``, ``number``, ``version``,
  ``upload``, ``slug``, ``…_id``, ``…_code``, ``…_sub``), every path parameter of it being one, or, when it has
  no path parameters, a top-level request-body field that lists ids (``ids``, ``…_ids``: a body's ``…_id`` is
  as often a citizen's ID number as a resource's);
- a *source* operation whose success response carries a value the caller did not send it (the identifier is
  not one of the source's own path parameters): a field of the same name, or an ``id`` of the target's
  collection (a field ``id`` in the answer of an operation under ``/v1/applications`` is an application id;
  ``materials/0/id`` is an upload of ``/v1/materials``); the target's other path parameters may come from the
  source's own path (``$request.path.…``).

Name matching has two kinds of false friends, listed in ``NAMESAKES`` and settled by ``caller_of``: a field named
like the identifier that is something else (a department's ``credit_code`` is not an enterprise's), and a target
another kind of caller calls (a citizen's answer leads nowhere in the department's API).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tests.fuzzing.conftest import caller_of

__all__ = ["NAMESAKES", "IdentifierPair", "identifier_pairs"]

_GENERIC_IDENTIFIERS = {"code", "number", "version", "upload", "slug"}
# Identifiers a bare ``id`` field may stand for (an application id, an upload, a list of message ids).
_BY_ID = ("_id", "upload", "ids")
# Wrappers of a page: ``items/0/id`` belongs to the collection the operation lists, not to one named "items".
_PAGE_WRAPPERS = {"items", "entries"}

# (source operation, identifier) → why the source's field of that name is not the identifier.
NAMESAKES = {
    ("V1CatalogDepartmentsDepartments", "credit_code"): "a department's credit code, not an enterprise's",
    ("V1CatalogItemsCodeItemDetail", "credit_code"): "the implementing government body's credit code",
}


@dataclass(frozen=True)
class IdentifierPair:
    source: str
    status: str
    target: str
    # target input (``path.code``, ``body.ids``) → JSON pointer in the source's answer, or ``$request.path.…``
    values: dict[str, str]
    linked: bool


def _is_identifier(name: str) -> bool:
    return name in _GENERIC_IDENTIFIERS or name.endswith(("_id", "_code", "_sub", "ids"))


class _Document:
    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas = document["components"]["schemas"]
        self.operations = [
            (path, operation) for path, item in document["paths"].items() for operation in item.values()
        ]

    def resolve(self, schema: Any) -> Any:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def fields(self, schema: Any, at: tuple[str, ...] = (), depth: int = 0) -> Iterator[tuple[str, ...]]:
        """JSON pointers (as parts, ``0`` for a list's first item) of the properties, three levels deep."""
        schema = self.resolve(schema)
        if depth > 3 or not isinstance(schema, dict):
            return
        for alternative in schema.get("oneOf", []) + schema.get("anyOf", []) + schema.get("allOf", []):
            yield from self.fields(alternative, at, depth)
        if "items" in schema:
            yield from self.fields(schema["items"], (*at, "0"), depth + 1)
        for name, value in schema.get("properties", {}).items():
            yield (*at, name)
            yield from self.fields(value, (*at, name), depth + 1)


def _json_body(holder: dict[str, Any]) -> Any:
    return holder.get("content", {}).get("application/json", {}).get("schema")


def _path_parameters(path: str) -> list[str]:
    return [segment[1:-1] for segment in path.split("/") if segment.startswith("{")]


def _inputs(document: _Document, path: str, operation: dict[str, Any]) -> dict[str, str]:
    """The identifiers ``operation`` takes → the collection each indexes (the path before it)."""
    segments = path.split("/")
    taken = {
        f"path.{segment[1:-1]}": "/".join(segments[:index])
        for index, segment in enumerate(segments)
        if segment.startswith("{")
    }
    body = _json_body(operation.get("requestBody", {}))
    if body is not None and not taken:
        taken |= {
            f"body.{field[0]}": "/".join(segments[:-1])
            for field in document.fields(body)
            if len(field) == 1 and field[0].endswith("ids")
        }
    return taken


def _carries(source_path: str, pointer: tuple[str, ...], name: str, collection: str) -> bool:
    named = [part for part in pointer if part != "0"]
    field = named[-1]
    if field == name and "_" in name and len(named) <= 2:
        return True  # a qualified name (application_id, credit_code) means the same thing one level down
    if field != name and not (field == "id" and name.endswith(_BY_ID)):
        return False
    under_collection = source_path == collection or source_path.startswith(f"{collection}/")
    if len(named) == 1:
        return under_collection
    if len(named) != 2 or pointer[1] != "0":
        return False
    if named[0] in _PAGE_WRAPPERS:
        return under_collection
    return named[0] == collection.rsplit("/", 1)[1]


def _links_cover(links: dict[str, Any], target: str, inputs: list[str]) -> bool:
    for link in links.values():
        if link.get("operationId") != target:
            continue
        given = set(link.get("parameters", {}))
        if all(name in given if name.startswith("path.") else "requestBody" in link for name in inputs):
            return True
    return False


def identifier_pairs(document: dict[str, Any]) -> list[IdentifierPair]:
    """Every (source response, target) pair of ``document``, and whether a link of the source covers it."""
    read = _Document(document)
    pairs = []
    for source_path, source in read.operations:
        own = set(_path_parameters(source_path))
        source_caller = caller_of(source_path)
        for status, response in source["responses"].items():
            answer = _json_body(response) if status.startswith("2") else None
            if answer is None:
                continue
            fields = list(read.fields(answer))
            for target_path, target in read.operations:
                inputs = _inputs(read, target_path, target)
                target_caller = caller_of(target_path)
                if (
                    target is source
                    or not inputs
                    or not all(_is_identifier(name.split(".", 1)[1]) for name in inputs)
                    or (target_caller is not None and target_caller != source_caller)
                ):
                    continue
                values = {}
                for taken, collection in inputs.items():
                    name = taken.split(".", 1)[1]
                    if name in own:
                        values[taken] = f"$request.path.{name}"
                    elif (source["operationId"], name) not in NAMESAKES:
                        found = [
                            pointer for pointer in fields if _carries(source_path, pointer, name, collection)
                        ]
                        if found:
                            values[taken] = "/".join(found[0])
                if len(values) == len(inputs) and any(not value.startswith("$") for value in values.values()):
                    linked = _links_cover(response.get("links", {}), target["operationId"], list(inputs))
                    pairs.append(
                        IdentifierPair(source["operationId"], status, target["operationId"], values, linked)
                    )
    return pairs
