"""Prefill: the signed-in citizen's own details put into the fields that ask for them.

``profile`` bindings take the account's details (name, resident ID number, mobile, the enterprise acted for).
``e_licence`` bindings take a field of the applicant's valid licence of the bound type (its number, a degree's
level…), and an e-licence picker whose type the applicant holds valid is filled with that licence's wallet
reference and locked: the material is not asked for (免提交), and ``stood_in`` says which licence replaced it.
Which licences are valid is the caller's business (the wallet); this module only binds them, without I/O.

Fields inside a ``repeat`` are never prefilled (``ui.checks`` refuses a binding there): an entry is someone
else's details (a shareholder, a family member), and the account holds one value per path, not one per entry.
Only top-level fields are bound here.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from ishenzhen.lib.structs import Struct
from ishenzhen.ui._walk import fields
from ishenzhen.ui.model import (
    Component,
    ELicencePicker,
    FieldComponent,
    Form,
    FormStep,
    Prefill,
    RenderSpec,
    Section,
)

__all__ = [
    "LICENCE_PATHS",
    "HeldLicence",
    "LicenceBindings",
    "PrefillProfile",
    "StoodIn",
    "apply_licences",
    "apply_prefill",
    "licence_bindings",
    "profile_bindings",
    "waive_materials",
]

# What an ``e_licence`` binding can take from a licence (``reference`` is its opaque wallet reference, elc_…).
LICENCE_PATHS = frozenset(
    {"number", "holder_name", "issuer", "issued_on", "expires_on", "level", "reference"}
)


class PrefillProfile(Struct, frozen=True):
    """What the account knows; ``None`` where it does not (an L1 account has no verified name)."""

    name: str | None = None
    id_number: str | None = None
    mobile: str | None = None
    enterprise_name: str | None = None
    enterprise_credit_code: str | None = None

    def value(self, path: str) -> str | None:
        attribute = path.replace(".", "_")
        return getattr(self, attribute, None) if attribute in self.__struct_fields__ else None


def profile_bindings(form: Form | RenderSpec) -> tuple[tuple[str, str], ...]:
    """``(field id, profile path)`` of every field prefilled from the profile: computed once per form."""
    form = form.form if isinstance(form, RenderSpec) else form
    return tuple(
        (located.component.id, located.component.prefill.path)
        for located in fields(form)  # top-level only: a repeat and its entry fields are not bound
        if isinstance(located.component, FieldComponent)
        and located.component.prefill is not None
        and located.component.prefill.source == "profile"
    )


def apply_prefill(
    form: Form | RenderSpec | tuple[tuple[str, str], ...], profile: PrefillProfile
) -> dict[str, str]:
    """The initial values, field id → value, for the fields whose profile value is known.

    Takes a form, a spec, or the bindings ``profile_bindings`` computed earlier (the hot path caches them).
    """
    bindings = form if isinstance(form, tuple) else profile_bindings(form)
    values: dict[str, str] = {}
    for field_id, path in bindings:
        value = profile.value(path)
        if value is not None:
            values[field_id] = value
    return values


class HeldLicence(Struct, frozen=True):
    """A valid licence of the applicant: its wallet reference and the values an ``e_licence`` binding reads."""

    type: str
    type_name: str
    reference: str
    values: dict[str, str]


class StoodIn(Struct, frozen=True):
    """The licence that replaced a material (免提交): what the app shows instead of asking for the material."""

    licence_type: str
    licence_name: str
    number: str
    reference: str


class LicenceBindings(Struct, frozen=True):
    """What a form takes from licences, computed once per form: ``(field id, licence type, path)`` of each
    ``e_licence`` prefill and ``(field id, licence type)`` of each e-licence picker (top level only)."""

    prefills: tuple[tuple[str, str, str], ...] = ()
    pickers: tuple[tuple[str, str], ...] = ()

    @property
    def types(self) -> frozenset[str]:
        return frozenset(kind for _, kind, _ in self.prefills) | frozenset(kind for _, kind in self.pickers)


def licence_bindings(form: Form | RenderSpec) -> LicenceBindings:
    form = form.form if isinstance(form, RenderSpec) else form
    prefills: list[tuple[str, str, str]] = []
    pickers: list[tuple[str, str]] = []
    for located in fields(form):
        component = located.component
        if located.group is not None or not isinstance(component, FieldComponent):
            continue  # an entry of a repeat is someone else's details, never the applicant's licence
        if isinstance(component, ELicencePicker):
            pickers.append((component.id, component.licence_type))
        elif (
            component.prefill is not None
            and component.prefill.source == "e_licence"
            and component.prefill.licence_type is not None
        ):
            prefills.append((component.id, component.prefill.licence_type, component.prefill.path))
    return LicenceBindings(tuple(prefills), tuple(pickers))


def apply_licences(
    bindings: LicenceBindings, held: Mapping[str, HeldLicence]
) -> tuple[dict[str, str], dict[str, StoodIn]]:
    """The initial values from valid licences, and the pickers a licence stands in for (field id → licence)."""
    values: dict[str, str] = {}
    stood_in: dict[str, StoodIn] = {}
    for field_id, kind, path in bindings.prefills:
        licence = held.get(kind)
        value = (
            None
            if licence is None
            else licence.reference
            if path == "reference"
            else licence.values.get(path)
        )
        if value:
            values[field_id] = value
    for field_id, kind in bindings.pickers:
        licence = held.get(kind)
        if licence is not None:
            values[field_id] = licence.reference
            stood_in[field_id] = StoodIn(
                licence_type=kind,
                licence_name=licence.type_name,
                number=licence.values.get("number", ""),
                reference=licence.reference,
            )
    return values, stood_in


def _waived(component: Component, stood_in: Mapping[str, StoodIn], english: bool) -> Component:
    if isinstance(component, Section):
        return msgspec.structs.replace(
            component, components=[_waived(inner, stood_in, english) for inner in component.components]
        )
    if not isinstance(component, ELicencePicker) or component.id not in stood_in:
        return component
    licence = stood_in[component.id]
    note = (
        f"Your e-licence ({licence.licence_name}, {licence.number}) stands in for this material: nothing to submit."
        if english
        else f"已使用您的电子证照「{licence.licence_name}」（{licence.number}），免提交。"
    )
    binding = Prefill(source="e_licence", path="reference", licence_type=component.licence_type, locked=True)
    return msgspec.structs.replace(component, help=note, prefill=binding)


def waive_materials(
    steps: list[FormStep], stood_in: Mapping[str, StoodIn], *, english: bool
) -> list[FormStep]:
    """The (localised) steps with every picker a licence stands in for locked to it and saying so."""
    if not stood_in:
        return steps
    return [
        msgspec.structs.replace(step, components=[_waived(c, stood_in, english) for c in step.components])
        for step in steps
    ]
