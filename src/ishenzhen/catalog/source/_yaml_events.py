"""A YAML reader that builds Python objects straight from libyaml's parse events, keeping line numbers.

Why not ``yaml.load(…, Loader=CSafeLoader)``: only the parser of CSafeLoader is C; composing nodes and
constructing objects run in Python and took 3.3 s of the catalogue's 4 s load (15 MB, ~1.6 M nodes). Building
dicts and lists directly from the C parser's events takes about a third of that, and the events carry the
line of every key, which the validator needs for its reports anyway.

Plain scalars resolve exactly as SafeLoader resolves them (the same resolver and constructors, cached per
distinct value); merge keys (``<<``) are not supported and stay ordinary keys.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

__all__ = ["ItemLines", "LoadedDocument", "load_with_lines"]

_STR_TAG = "tag:yaml.org,2002:str"
_resolver = Resolver()
_constructor = SafeConstructor()
_plain_cache: dict[str, Any] = {}


def _plain_scalar(value: str) -> Any:
    try:
        return _plain_cache[value]
    except KeyError:
        pass
    tag = _resolver.resolve(ScalarNode, value, (True, False))
    resolved = (
        value
        if tag == _STR_TAG
        else _constructor.yaml_constructors[tag](_constructor, ScalarNode(tag, value))
    )
    if len(value) <= 64:  # short values repeat (true, original, 1); long ones are prose and rarely do
        _plain_cache[value] = resolved
    return resolved


class ItemLines:
    """1-based lines of one item of an ``items`` list: the item, each top-level key, each list element."""

    __slots__ = ("elements", "keys", "line")

    def __init__(self, line: int) -> None:
        self.line = line
        self.keys: dict[str, int] = {}
        self.elements: dict[tuple[str, int], int] = {}

    def of(self, field: str | None, index: int | None = None) -> int:
        if field is None:
            return self.line
        if index is not None and (field, index) in self.elements:
            return self.elements[(field, index)]
        return self.keys.get(field, self.line)


class LoadedDocument:
    __slots__ = ("data", "items")

    def __init__(self, data: Any, items: list[ItemLines]) -> None:
        self.data = data
        self.items = items


def load_with_lines(text: str | bytes, list_key: str = "items") -> LoadedDocument:
    """The first document of ``text``, with the lines of the mappings in its top-level ``list_key`` list.

    Raises ``yaml.YAMLError`` (with a mark) on malformed YAML, as ``yaml.load`` does.
    """
    items: list[ItemLines] = []
    anchors: dict[str, Any] = {}
    stack: list[_Frame] = []
    result: list[Any] = []

    def attach(value: Any, line: int) -> Any:
        """Put ``value`` into the open container; returns the key it went under (None in a list)."""
        if not stack:
            result.append(value)
            return None
        frame = stack[-1]
        if frame.is_list:
            if frame.depth == 3 and stack[-2].lines is not None:
                # An element of a list field of an item, e.g. one material.
                stack[-2].lines.elements[(stack[-2].last_key, len(frame.container))] = line
            frame.container.append(value)
            return None
        if frame.pending is _NO_KEY:
            frame.pending = value
            if frame.lines is not None and isinstance(value, str):
                frame.lines.keys[value] = line
                frame.last_key = value
            return _NO_KEY
        key = frame.pending
        frame.container[key] = value
        frame.pending = _NO_KEY
        return key

    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        # ``type(event) is`` rather than isinstance: exact classes, and the type checker narrows on it.
        if type(event) is ScalarEvent:
            if event.tag in (None, "!") and event.implicit[0]:
                value = _plain_scalar(event.value)
            else:
                value = event.value  # quoted, literal or folded: a string
            if event.anchor:
                anchors[event.anchor] = value
            attach(value, _line(event))
        elif type(event) is MappingStartEvent or type(event) is SequenceStartEvent:
            is_list = type(event) is SequenceStartEvent
            container: Any = [] if is_list else {}
            if event.anchor:
                anchors[event.anchor] = container
            line = _line(event)
            key = attach(container, line)
            depth = stack[-1].depth + 1 if stack else 0
            lines = None
            if not is_list and depth == 2 and stack[-1].key == list_key and stack[-2].depth == 0:
                lines = ItemLines(line)
                items.append(lines)
            stack.append(_Frame(container, is_list, depth, key, lines))
        elif type(event) is MappingEndEvent or type(event) is SequenceEndEvent:
            stack.pop()
            if not stack:
                break
        elif type(event) is AliasEvent:
            assert event.anchor is not None  # libyaml names the anchor of every alias
            attach(anchors[event.anchor], _line(event))
        if result and not stack:
            break
    return LoadedDocument(result[0] if result else None, items)


class _NoKey:
    __slots__ = ()


_NO_KEY: Any = _NoKey()


class _Frame:
    """An open mapping or sequence while its events are read."""

    __slots__ = ("container", "depth", "is_list", "key", "last_key", "lines", "pending")

    def __init__(self, container: Any, is_list: bool, depth: int, key: Any, lines: ItemLines | None) -> None:
        self.container = container
        self.is_list = is_list
        self.depth = depth
        self.key = key  # the key this container sits under in its parent mapping
        self.lines = lines  # set on the mappings of the items list
        self.pending: Any = _NO_KEY
        self.last_key: Any = None


def _line(event: yaml.Event) -> int:
    """The 1-based line an event starts on (libyaml marks every event; the stubs allow none)."""
    mark = event.start_mark
    return 0 if mark is None else mark.line + 1
