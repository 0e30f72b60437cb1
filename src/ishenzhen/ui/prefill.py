"""Prefill: the signed-in citizen's own details put into the fields that ask for them.

Only ``profile`` bindings are resolved here (name, resident ID number, mobile, and the enterprise acted for).
``e_licence`` bindings wait for the e-licence wallet (a later issue); until then such fields start empty and
the applicant types the value.

Fields inside a ``repeat`` are never prefilled (``ui.checks`` refuses a binding there): an entry is someone
else's details (a shareholder, a family member), and the account holds one value per path, not one per entry.
Only top-level fields are bound here.
"""

from __future__ import annotations

from ishenzhen.lib.structs import Struct
from ishenzhen.ui._walk import fields
from ishenzhen.ui.model import FieldComponent, Form, RenderSpec

__all__ = ["PrefillProfile", "apply_prefill", "profile_bindings"]


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
