"""A spec resolved for one caller: localised, adapted to the app, and (signed in) prefilled.

Response shapes of ``GET /v1/app/items/{code}/guide`` and ``/form``. Localising picks each text in the
caller's language (``label_en`` for ``en`` when present, else the Chinese) and drops the ``_en`` twins, so
the app always reads ``label``/``title``/``text`` and never chooses.
"""

from __future__ import annotations

from typing import Literal, TypeVar, cast

import msgspec

from ishenzhen.lib.structs import Struct
from ishenzhen.ui.model import FormStep, GuideSection
from ishenzhen.ui.prefill import StoodIn

__all__ = ["LOCALES", "ItemGuide", "Locale", "ResolvedForm", "localise", "negotiate_locale"]

Locale = Literal["zh-CN", "en"]
LOCALES: tuple[Locale, ...] = ("zh-CN", "en")
_Node = TypeVar("_Node")


class ItemGuide(Struct, frozen=True):
    """The guide page of one item version."""

    spec_version: str
    code: str
    name: str
    version: int
    locale: Locale
    sections: list[GuideSection]


class ResolvedForm(Struct, frozen=True):
    """The application form of one item version, as this app draws it.

    ``values``: initial values by field id (signed-in callers only; empty when anonymous). Submit the
    filled values as one object keyed by field id to ``/form/validate`` (and, later, to the application).
    ``stood_in``: the materials a valid e-licence of the applicant replaces (免提交), by field id; their value
    in ``values`` is the licence's wallet reference (signed-in callers whose token has the licences scope).
    """

    spec_version: str
    code: str
    name: str
    version: int
    locale: Locale
    steps: list[FormStep]
    values: dict[str, str] = msgspec.field(default_factory=dict)
    stood_in: dict[str, StoodIn] = msgspec.field(default_factory=dict)


def negotiate_locale(accept_language: str | None) -> Locale:
    """``en`` when English ranks above Chinese in ``Accept-Language``; ``zh-CN`` otherwise (the default)."""
    if not accept_language:
        return "zh-CN"
    best: tuple[float, int, Locale] | None = None
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        locale: Locale | None = "zh-CN" if primary == "zh" else "en" if primary == "en" else None
        if locale is None or not 0 < weight <= 1:
            continue
        candidate = (-weight, position, locale)
        if best is None or candidate < best:
            best = candidate
    return "zh-CN" if best is None else best[2]


def localise(node: _Node, locale: Locale) -> _Node:
    """A copy of a spec node (or a list of them): every text in ``locale``, the ``_en`` twins dropped."""
    # _localise walks any node or list of them; what goes in comes out as the same kind of node.
    return cast(_Node, _localise(node, locale == "en"))


def _localise(node: object, english: bool) -> object:
    if isinstance(node, list):
        return [_localise(inner, english) for inner in node]
    if not isinstance(node, msgspec.Struct):
        return node
    changes: dict[str, object] = {}
    for name in node.__struct_fields__:
        value = getattr(node, name)
        if name.endswith("_en"):
            if value is not None:
                changes[name] = None
            continue
        translated = getattr(node, f"{name}_en", None) if english else None
        if translated is not None:
            changes[name] = translated
        elif isinstance(value, list | msgspec.Struct):
            changes[name] = _localise(value, english)
    return msgspec.structs.replace(node, **changes)
