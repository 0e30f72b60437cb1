"""Capability negotiation: what the app can draw, and the form adapted so it never gets anything else.

The app sends ``Ishenzhen-Render: spec=1.1; components=text_input,select,…``. No header means an app that
draws everything of spec 1.0 (apps that predate the header); an app declaring ``spec=1.0`` is never sent a
component of a later minor version (``repeat``, 1.1), even if it names one.

A component the app cannot draw is replaced by its fallback (a simpler component with the same id, label,
help, visibility, required-ness, prefill and an equivalent pattern); a section it cannot draw is flattened
into its parent, its condition moved onto each child. If some component has no fallback the app can draw,
the whole form becomes one step with a ``web_link`` to the web form (``web_link`` is always supported).

``repeat`` has no fallback: no simpler component holds a list of entries without losing them (a fixed number
of sections caps the entries and changes the submitted shape), so an app that does not draw ``repeat`` gets
the web-link form for a form with a repeat. Fields inside a repeat the app draws fall back like any field.

Validation follows what was drawn: ``/form/validate`` checks the data against the adapted form (a fallback
text box sends text), so the shapes always match. What a fallback loses is stated on each: a resident ID
typed into a text box is checked for shape, not for its check digit.
"""

from __future__ import annotations

import re
from typing import TypedDict

import msgspec

from ishenzhen.errors import FieldError, InvalidInput
from ishenzhen.lib.structs import Struct
from ishenzhen.ui._walk import node_type, walk
from ishenzhen.ui.model import (
    COMPONENT_TYPES,
    INTRODUCED_IN,
    SPEC_VERSION,
    AddressInput,
    AllOf,
    Component,
    Condition,
    DateInput,
    ELicencePicker,
    FieldComponent,
    Form,
    FormStep,
    MobileInput,
    NumberInput,
    Prefill,
    RadioInput,
    Repeat,
    ResidentIdInput,
    Section,
    SelectInput,
    TextInput,
    UploadSlot,
    WebLink,
)

__all__ = ["HEADER", "HEADER_PATTERN", "Capabilities", "adapt", "web_link_form"]

HEADER = "Ishenzhen-Render"
_MAX_HEADER = 1024
# The header as apps send it, for the API document: spec first, then the components they draw. The parser also
# takes parameters in any order and ignores unknown ones, which no pattern of reasonable size can say; an app
# that keeps to this form is always understood.
HEADER_PATTERN = r"^(spec=1\.[0-9]{1,3}(; ?components=[A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64})*)?)?$"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Component names as apps may spell those of later specs: only what cannot be a name is malformed; a name this
# server does not know is ignored (the app may draw more than we send), never a reason to send less.
_COMPONENT_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_VERSION = re.compile(r"([0-9]{1,3})\.([0-9]{1,3})")
# The components each minor version of spec 1 introduced; an app declaring 1.n knows those up to n.
_SERVER_MINOR = int(SPEC_VERSION.split(".")[1])
_COMPONENTS_BY_VERSION: dict[str, frozenset[str]] = {
    f"1.{minor}": frozenset(
        name for name in COMPONENT_TYPES if int(INTRODUCED_IN.get(name, "1.0").split(".")[1]) <= minor
    )
    for minor in range(_SERVER_MINOR + 1)
}
_ALL = _COMPONENTS_BY_VERSION[SPEC_VERSION]
# What an app that sends no header draws: it predates the header, so spec 1.0.
_NO_HEADER = "1.0"


def _malformed(reason: str) -> InvalidInput:
    return InvalidInput(
        f"header {HEADER!r} is malformed: {reason}",
        errors=[FieldError(location="header", name=HEADER, reason=reason)],
    )


class Capabilities(Struct, frozen=True):
    spec_version: str
    components: frozenset[str]

    @classmethod
    def everything(cls, spec_version: str = SPEC_VERSION) -> Capabilities:
        """Every component of ``spec_version`` (by default the newest this server sends)."""
        return cls(spec_version=spec_version, components=_COMPONENTS_BY_VERSION[spec_version])

    @classmethod
    def parse(cls, header: str | None) -> Capabilities:
        """The header's capabilities; ``None`` or blank: everything of spec 1.0. Malformed: ``InvalidInput``.

        Unknown parameters and component names from newer specs are ignored, so newer apps stay welcome.
        """
        if header is None or not header.strip():
            return cls.everything(_NO_HEADER)
        if len(header) > _MAX_HEADER:
            raise _malformed(f"longer than {_MAX_HEADER} characters")
        parameters: dict[str, str] = {}
        for part in header.split(";"):
            if not part.strip():
                continue
            name, equals, value = part.partition("=")
            name = name.strip().lower()
            if not equals or not _NAME.fullmatch(name):
                raise _malformed(f"expected name=value parameters separated by ';', got {part.strip()!r}")
            if name in parameters:
                raise _malformed(f"parameter {name!r} is given twice")
            parameters[name] = value.strip()
        version = _VERSION.fullmatch(parameters.get("spec", ""))
        if version is None:
            raise _malformed("spec=<major>.<minor> is required, e.g. spec=1.0")
        if version[1] != SPEC_VERSION.split(".")[0]:
            raise _malformed(f"this server sends render spec {SPEC_VERSION.split('.')[0]}.x")
        minor = min(int(version[2]), _SERVER_MINOR)
        spec_version = f"{version[1]}.{minor}"
        known = _COMPONENTS_BY_VERSION[spec_version]
        if "components" not in parameters:
            return cls(spec_version=spec_version, components=known)
        names = [name.strip() for name in parameters["components"].split(",") if name.strip()]
        bad = [name for name in names if not _COMPONENT_NAME.fullmatch(name)]
        if bad:
            raise _malformed(f"{bad[0]!r} is not a component type name")
        return cls(spec_version=spec_version, components=known & frozenset([*names, "web_link"]))

    @property
    def cache_key(self) -> str:
        """Canonical: equal for all headers that give the same adapted forms (``Vary: Ishenzhen-Render``)."""
        if self.components == _COMPONENTS_BY_VERSION[self.spec_version]:
            return f"spec={self.spec_version};components=*"
        return f"spec={self.spec_version};components={','.join(sorted(self.components))}"


class _NoFallback(Exception):
    pass


class _Common(TypedDict):
    """What every input shares (``ui.model._Field``), carried over to the simpler component."""

    id: str
    label: str
    label_en: str | None
    help: str | None
    required: bool
    visible_when: Condition | None
    required_when: Condition | None
    prefill: Prefill | None


def _common(field: FieldComponent) -> _Common:
    return _Common(
        id=field.id,
        label=field.label,
        label_en=field.label_en,
        help=field.help,
        required=field.required,
        visible_when=field.visible_when,
        required_when=field.required_when,
        prefill=field.prefill,
    )


def _fallback(component: Component) -> Component | None:
    """The next simpler component, or ``None``."""
    if isinstance(component, ResidentIdInput):  # loses: the GB 11643 check digit and birth date checks
        return TextInput(
            **_common(component),
            min_length=18,
            max_length=18,
            pattern="[1-9][0-9]{16}[0-9X]",
            pattern_message="请输入18位公民身份号码",
        )
    if isinstance(component, MobileInput):
        return TextInput(
            **_common(component),
            min_length=11,
            max_length=11,
            pattern="1[3-9][0-9]{9}",
            pattern_message="请输入11位手机号码",
        )
    if isinstance(component, NumberInput):  # loses: the range (the value arrives as text)
        pattern = "-?[0-9]{1,15}" if component.integer else r"-?[0-9]{1,15}(\.[0-9]{1,6})?"
        return TextInput(**_common(component), max_length=24, pattern=pattern)
    if isinstance(component, DateInput):  # loses: the calendar and the bounds
        return TextInput(
            **_common(component),
            min_length=10,
            max_length=10,
            pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}",
            placeholder="YYYY-MM-DD",
        )
    if isinstance(component, RadioInput):
        return SelectInput(**_common(component), options=component.options)
    if isinstance(component, SelectInput):
        return RadioInput(**_common(component), options=component.options)
    if isinstance(component, AddressInput):  # loses: the district picker (the district is typed in the text)
        return TextInput(**_common(component), max_length=200, placeholder="区 + 详细地址")
    if isinstance(component, ELicencePicker):
        return UploadSlot(**_common(component), material=component.material or component.label)
    return None


def _drawable(component: Component, supported: frozenset[str]) -> list[Component]:
    seen: set[str] = set()
    current: Component | None = component
    while current is not None and node_type(current) not in supported:
        if isinstance(current, Section):
            return _flatten(current, supported)
        seen.add(node_type(current))
        current = _fallback(current)
        if current is not None and node_type(current) in seen:
            current = None  # select <-> radio: neither is drawable
    if current is None:
        raise _NoFallback
    if isinstance(current, Section | Repeat):
        # A repeat's children are fields, and a field's fallback is a field: the group stays fields only.
        inner = [drawn for child in current.components for drawn in _drawable(child, supported)]
        return [msgspec.structs.replace(current, components=inner)]
    return [current]


def _flatten(section: Section, supported: frozenset[str]) -> list[Component]:
    children = [drawn for child in section.components for drawn in _drawable(child, supported)]
    if section.visible_when is None:
        return children
    moved: list[Component] = []
    for child in children:
        if isinstance(child, WebLink):  # a link has no condition of its own: it stays, like a title would
            moved.append(child)
            continue
        own = child.visible_when
        condition = section.visible_when if own is None else AllOf(conditions=[section.visible_when, own])
        moved.append(msgspec.structs.replace(child, visible_when=condition))
    return moved


def web_link_form(url: str) -> Form:
    link = WebLink(label="在网页中继续办理", label_en="Continue in the web page", url=url)
    return Form(steps=[FormStep(id="web", title="网上办理", title_en="Apply online", components=[link])])


def adapt(form: Form, capabilities: Capabilities, *, web_url: str) -> Form:
    """``form`` with only components ``capabilities`` allows; the web-link form when that cannot be done."""
    supported = capabilities.components | {"web_link"}
    if _ALL <= supported or {node_type(located.component) for located in walk(form)} <= supported:
        return form
    try:
        steps = [
            msgspec.structs.replace(
                step, components=[drawn for c in step.components for drawn in _drawable(c, supported)]
            )
            for step in form.steps
        ]
    except _NoFallback:
        return web_link_form(web_url)
    return Form(steps=steps)
