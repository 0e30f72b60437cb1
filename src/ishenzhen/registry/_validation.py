"""Every write is checked whole: schema, national elements, references, ownership and render spec, and every
problem comes back in one 422 as ``FieldError(location="body", name=<JSON pointer>, reason)``."""

from __future__ import annotations

import re
from typing import Annotated, Any, get_args, get_origin

import msgspec

from ishenzhen.approvals.rule_set import RuleSetInvalid, register
from ishenzhen.catalog.default_spec import spec_for
from ishenzhen.catalog.model import Department, ServiceItem
from ishenzhen.catalog.rule_form import unasked_fields
from ishenzhen.catalog.source.item_checks import ItemReferences, check_item
from ishenzhen.catalog.spec_checks import check_item_spec
from ishenzhen.db.pool import Connection
from ishenzhen.errors import FieldError, InvalidInput
from ishenzhen.registry.diff import pointer, pointer_of_path
from ishenzhen.registry.sql import queries
from ishenzhen.ui.checks import SpecReferences

__all__ = ["MAX_RULE_SET_BYTES", "load_references", "validate_item"]

# A rule set is a few dozen conditions of short expressions (the largest template is under 8 KB as JSON);
# registration probes every condition, so its cost grows with the size: far beyond this is not a rule set.
MAX_RULE_SET_BYTES = 64 * 1024
_rule_set_encoder = msgspec.json.Encoder()

_ERROR = re.compile(r"^(?P<reason>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.DOTALL)
_FIELDS = msgspec.structs.fields(ServiceItem)
_department_decoder = msgspec.json.Decoder(Department)


async def load_references(connection: Connection) -> ItemReferences:
    codes = await queries.reference_codes(connection)
    departments = {
        row["slug"]: _department_decoder.decode(row["document"])
        async for row in queries.department_documents(connection)
    }
    return ItemReferences(
        departments=departments,
        themes=frozenset(codes["themes"]),
        licences=frozenset(codes["licences"]),
        districts=frozenset(codes["districts"]),
    )


def _problem(path: str, reason: str) -> FieldError:
    return FieldError(location="body", name=path, reason=reason)


def _converted(value: Any, kind: Any, at: str, problems: list[FieldError]) -> None:
    """Convert one field; a list is converted element by element so every bad element is reported."""
    if get_origin(kind) is Annotated and get_origin(get_args(kind)[0]) is list and isinstance(value, list):
        # A bounded list: its length first (one problem for 300,000 entries), then each element.
        longest = next((m.max_length for m in get_args(kind)[1:] if isinstance(m, msgspec.Meta)), None)
        if longest is not None and len(value) > longest:
            problems.append(_problem(at, f"at most {longest} entries, got {len(value)}"))
            return
        kind = get_args(kind)[0]
    if get_origin(kind) is list and isinstance(value, list):
        (element,) = get_args(kind)
        for index, entry in enumerate(value):
            _converted(entry, element, f"{at}/{index}", problems)
        return
    try:
        msgspec.convert(value, kind)
    except msgspec.ValidationError as error:
        match = _ERROR.match(str(error))
        reason, path = (match["reason"], match["path"]) if match else (str(error), None)
        problems.append(_problem(at + (pointer_of_path(path) if path else ""), reason))


def _schema_problems(raw: Any) -> list[FieldError]:
    if not isinstance(raw, dict):
        return [_problem("", f"expected a JSON object (a service item), got {type(raw).__name__}")]
    problems = [
        _problem(pointer(key), "unknown field") for key in raw if key not in {f.encode_name for f in _FIELDS}
    ]
    for info in _FIELDS:
        if info.encode_name not in raw:
            if info.required:
                problems.append(_problem(pointer(info.encode_name), "required field is missing"))
            continue
        _converted(raw[info.encode_name], info.type, pointer(info.encode_name), problems)
    return problems


def validate_item(
    raw: Any,
    references: ItemReferences,
    *,
    department: str,
    code: str | None = None,
    popularity: int | None = None,
) -> ServiceItem:
    """``raw`` (decoded JSON) as a ServiceItem of ``department``; ``code`` when the item already exists.

    ``popularity`` is the item's measured popularity when a department writes it: the city measures it from
    usage and the home screen ranks by it, so a department may send it back unchanged but never set it.
    """
    problems = _schema_problems(raw)
    if not problems:
        item = msgspec.convert(raw, ServiceItem)
        for found in check_item(item, references):
            at = pointer(found.field) if found.index is None else pointer(found.field, found.index)
            problems.append(_problem(at, found.reason))
        if item.department != department:
            problems.append(
                _problem("/department", f"your department is {department!r}; register its items only")
            )
        if code is not None and item.code != code:
            problems.append(_problem("/code", f"this is item {code!r}; its code cannot change"))
        if popularity is not None and item.popularity != popularity:
            problems.append(
                _problem(
                    "/popularity", f"measured by the city from usage (now {popularity}); it cannot be set"
                )
            )
        if item.render_spec is not None:
            spec_references = SpecReferences(
                e_licence_types=frozenset(references.licences), districts=frozenset(references.districts)
            )
            for problem in check_item_spec(item.render_spec, item, spec_references):
                problems.append(_problem("/render_spec" + problem.pointer, problem.reason))
        if item.rule_set is not None:
            problems.extend(_rule_set_problems(item))
    if problems:
        raise InvalidInput(f"{len(problems)} problem(s) in the item", errors=problems)
    return item


def _rule_set_problems(item: ServiceItem) -> list[FieldError]:
    """The rule set's own problems (``approvals.register``), at pointers under ``/rule_set``."""
    assert item.rule_set is not None
    if not item.instant_approval:
        return [
            _problem("/rule_set", "only an instant-approval item (instant_approval: true) carries a rule set")
        ]
    size = len(_rule_set_encoder.encode(item.rule_set))
    if size > MAX_RULE_SET_BYTES:
        return [_problem("/rule_set", f"at most {MAX_RULE_SET_BYTES} bytes as JSON, got {size}")]
    if item.rule_set.get("item") != item.code:
        return [_problem("/rule_set/item", f"the rule set of item {item.code!r} names that item")]
    try:
        rule_set = register(item.rule_set)
    except RuleSetInvalid as exc:
        return [_problem("/rule_set" + (e.name if e.name != "/" else ""), e.reason) for e in exc.errors]
    # The form the applicant gets (the item's own, or the default built with these declarations) must ask
    # every field the rules read, or no application could ever be decided without a clerk.
    form = spec_for(item, rule_set).form
    return [_problem(f"/rule_set/form/{name}", reason) for name, reason in unasked_fields(form, rule_set)]
