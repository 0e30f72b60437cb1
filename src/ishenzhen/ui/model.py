"""The render spec: what a service item's guide page and application form look like, as data.

Departments publish a spec with each item version; the app draws it without a release. Every node is a msgspec
tagged union member (``type`` names it), and this module is the source of truth: the JSON Schema in
``openapi/`` is generated from it. Field components carry their own validation rules, so the server checks a
submission against the very spec the app rendered (``ui.submission``).

Versioning: ``SPEC_VERSION`` is ``major.minor``. A minor version only adds optional fields or component types
(an app that knows 1.0 can still read every 1.x spec once unknown components are replaced by their fallbacks);
a major version may change meaning.

Spec 1.1 added ``repeat`` (a list of like entries: shareholders, family members). An app declaring 1.0 never
receives one: there is no lossless simpler component, so such a form reaches it as the web-link fallback.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = [
    "COMPONENT_TYPES",
    "FIELD_TYPES",
    "INTRODUCED_IN",
    "MAX_REPEAT_ITEMS",
    "SPEC_VERSION",
    "AddressInput",
    "Agreement",
    "AllOf",
    "AnyOf",
    "CheckboxInput",
    "Component",
    "Condition",
    "DateInput",
    "ELicencePicker",
    "FieldComponent",
    "FieldEquals",
    "FieldFilled",
    "FieldIn",
    "Form",
    "FormStep",
    "Guide",
    "GuideSection",
    "MobileInput",
    "Not",
    "Notice",
    "NumberInput",
    "Option",
    "Prefill",
    "RadioInput",
    "RenderSpec",
    "Repeat",
    "ResidentIdInput",
    "Section",
    "SelectInput",
    "SubmittedComponent",
    "TextInput",
    "UploadSlot",
    "WebLink",
]

SPEC_VERSION = "1.1"
# The version that introduced each component type added after 1.0 (``ui.capabilities``, ``ui.checks``).
INTRODUCED_IN: dict[str, str] = {"repeat": "1.1"}
MAX_REPEAT_ITEMS = 50

# A field id is the key of the value in a submission: short, stable, ASCII.
FieldId = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,47}$", description="submission key")]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Prose = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class _Node(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True, tag_field="type"):
    """Base of every spec node: unknown keys are refused so a misspelt rule is reported, not ignored."""


# -- conditions ------------------------------------------------------------------------------------------
# Comparison values are not stored in integer columns; they stay exact in a JavaScript client.
RuleInt = Annotated[int, msgspec.Meta(ge=-(2**53 - 1), le=2**53 - 1)]


class FieldEquals(_Node, kw_only=True, tag="equals"):
    """True when the field's value equals ``value`` (for a checkbox: when ``value`` is among those ticked)."""

    field: FieldId
    value: str | RuleInt | float | bool


class FieldIn(_Node, kw_only=True, tag="in"):
    field: FieldId
    values: Annotated[list[str | RuleInt | float | bool], msgspec.Meta(min_length=1, max_length=100)]


class FieldFilled(_Node, kw_only=True, tag="filled"):
    """True when the field has any value (a non-empty string, a number, a ticked box, an upload)."""

    field: FieldId


class AllOf(_Node, kw_only=True, tag="all_of"):
    conditions: Annotated[list[Condition], msgspec.Meta(min_length=1, max_length=20)]


class AnyOf(_Node, kw_only=True, tag="any_of"):
    conditions: Annotated[list[Condition], msgspec.Meta(min_length=1, max_length=20)]


class Not(_Node, kw_only=True, tag="not"):
    condition: Condition


Condition = FieldEquals | FieldIn | FieldFilled | AllOf | AnyOf | Not


# -- prefill ---------------------------------------------------------------------------------------------
class Prefill(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Where a field's initial value comes from when the applicant is signed in.

    ``profile`` paths: ``name``, ``id_number``, ``mobile``, ``enterprise.name``, ``enterprise.credit_code``.
    ``e_licence`` (the wallet arrives in a later issue): ``licence_type`` and the licence field at ``path``.
    The applicant can still change a prefilled value unless ``locked``.
    """

    source: Literal["profile", "e_licence"]
    path: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.]{0,63}$")]
    licence_type: str | None = None
    locked: bool = False


# -- form components -------------------------------------------------------------------------------------
class _Field(_Node, kw_only=True):
    """What every input shares: its key, its label, when it shows and whether it must be filled."""

    id: FieldId
    label: Label
    label_en: Label | None = None
    help: Prose | None = None
    required: bool = False
    # Shown (and checked) only while the condition holds; a hidden field's value is ignored.
    visible_when: Condition | None = None
    # Required only while the condition holds (on top of ``required``).
    required_when: Condition | None = None
    prefill: Prefill | None = None


class TextInput(_Field, kw_only=True, tag="text_input"):
    min_length: Annotated[int, msgspec.Meta(ge=0, le=10000)] | None = None
    max_length: Annotated[int, msgspec.Meta(ge=1, le=10000)] = 200
    # An RE2 pattern the whole value must match (checked with google-re2: linear time, no catastrophic cases).
    pattern: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    pattern_message: Label | None = None
    multiline: bool = False
    placeholder: Label | None = None


class NumberInput(_Field, kw_only=True, tag="number_input"):
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    unit: Annotated[str, msgspec.Meta(max_length=20)] | None = None


class DateInput(_Field, kw_only=True, tag="date_input"):
    """A calendar date, submitted as ``YYYY-MM-DD``; bounds are dates or ``today``."""

    earliest: Annotated[str, msgspec.Meta(pattern=r"^(today|\d{4}-\d{2}-\d{2})$")] | None = None
    latest: Annotated[str, msgspec.Meta(pattern=r"^(today|\d{4}-\d{2}-\d{2})$")] | None = None


class Option(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    value: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    label: Label
    label_en: Label | None = None


Options = Annotated[list[Option], msgspec.Meta(min_length=1, max_length=500)]


class SelectInput(_Field, kw_only=True, tag="select"):
    """A drop-down: one value."""

    options: Options


class RadioInput(_Field, kw_only=True, tag="radio"):
    """Radio buttons: one value, all options visible at once."""

    options: Options


class CheckboxInput(_Field, kw_only=True, tag="checkbox"):
    """Tick boxes: a list of values."""

    options: Options
    min_selected: Annotated[int, msgspec.Meta(ge=0, le=500)] | None = None
    max_selected: Annotated[int, msgspec.Meta(ge=1, le=500)] | None = None


class ResidentIdInput(_Field, kw_only=True, tag="resident_id"):
    """A resident identity card number (GB 11643, check digit verified)."""


class MobileInput(_Field, kw_only=True, tag="mobile"):
    """A mainland mobile number (11 digits)."""


class AddressInput(_Field, kw_only=True, tag="address"):
    """An address in Shenzhen: a district code from the district picker plus the street address.

    Submitted as ``{"district": "440304", "detail": "福中三路1号"}``; ``districts`` limits the picker.
    """

    districts: list[str] | None = None


class UploadSlot(_Field, kw_only=True, tag="upload"):
    """Room for one material of the item's guide (``material`` is the material's name, as listed)."""

    material: Label
    # Empty means any of the accepted formats (JPEG, PNG, PDF).
    accept: list[Literal["image/jpeg", "image/png", "application/pdf"]] = []
    max_files: Annotated[int, msgspec.Meta(ge=1, le=20)] = 1
    max_size_mb: Annotated[int, msgspec.Meta(ge=1, le=50)] = 10


class ELicencePicker(_Field, kw_only=True, tag="e_licence"):
    """Choose one of the applicant's electronic licences of ``licence_type`` instead of uploading (免提交)."""

    licence_type: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    material: Label | None = None


class Agreement(_Field, kw_only=True, tag="agreement"):
    """A statement the applicant must accept (告知承诺); its value is ``true``."""

    text: Prose


FieldComponent = (
    TextInput
    | NumberInput
    | DateInput
    | SelectInput
    | RadioInput
    | CheckboxInput
    | ResidentIdInput
    | MobileInput
    | AddressInput
    | UploadSlot
    | ELicencePicker
    | Agreement
)


# -- display components ----------------------------------------------------------------------------------
class Notice(_Node, kw_only=True, tag="notice"):
    """A boxed message: ``info`` for hints, ``warning`` for what the applicant must not miss."""

    text: Prose
    text_en: Prose | None = None
    level: Literal["info", "warning"] = "info"
    visible_when: Condition | None = None


class WebLink(_Node, kw_only=True, tag="web_link"):
    """Open a page in the app's web view. Every app renders it: it is the last fallback for anything else."""

    label: Label
    label_en: Label | None = None
    url: Annotated[str, msgspec.Meta(pattern=r"^https://", max_length=2000)]


class Section(_Node, kw_only=True, tag="section"):
    """A titled group of components inside a step."""

    title: Label
    title_en: Label | None = None
    components: Annotated[list[Component], msgspec.Meta(min_length=1, max_length=100)]
    visible_when: Condition | None = None


class Repeat(_Node, kw_only=True, tag="repeat"):
    """A list of like entries (an enterprise's shareholders, a family's members), added in spec 1.1.

    Submitted under ``id`` as a JSON array of objects, one per entry, each keyed by the ids of ``components``
    (``{"shareholders": [{"name": "张三", "id_number": "…"}, …]}``). The app draws the components once per
    entry under ``item_label`` with ``{n}`` replaced by the entry's number from 1 (``股东 {n}`` → ``股东 2``),
    and lets the applicant add entries up to ``max_items`` and remove them down to ``min_items``.

    ``components`` are field components only (no sections, notices or nested repeats); their ids are unique
    within the group and may repeat ids outside it. Their conditions read the same entry's fields first, then
    the top-level fields. A required repeat needs ``min_items`` of at least 1; an optional one may be left
    empty, but once answered holds between ``min_items`` and ``max_items`` entries. Fields inside a repeat
    take no ``prefill`` (there is no profile value per entry).
    """

    id: FieldId
    label: Label
    label_en: Label | None = None
    help: Prose | None = None
    item_label: Label
    item_label_en: Label | None = None
    required: bool = False
    min_items: Annotated[int, msgspec.Meta(ge=0, le=MAX_REPEAT_ITEMS)] = 0
    max_items: Annotated[int, msgspec.Meta(ge=1, le=MAX_REPEAT_ITEMS)] = MAX_REPEAT_ITEMS
    components: Annotated[list[FieldComponent], msgspec.Meta(min_length=1, max_length=50)]
    # Shown (and checked) only while the condition holds; a hidden repeat's entries are ignored.
    visible_when: Condition | None = None


Component = FieldComponent | Repeat | Notice | WebLink | Section
# What a submission holds a value for, keyed by its id.
SubmittedComponent = FieldComponent | Repeat

# The field types: the components that may stand inside a repeat. ``repeat`` is submitted too (its value
# is the list of entries) but is not a field: it cannot nest.
FIELD_TYPES: tuple[str, ...] = (
    "text_input",
    "number_input",
    "date_input",
    "select",
    "radio",
    "checkbox",
    "resident_id",
    "mobile",
    "address",
    "upload",
    "e_licence",
    "agreement",
)
COMPONENT_TYPES: tuple[str, ...] = (*FIELD_TYPES, "notice", "web_link", "section", "repeat")


# -- the spec --------------------------------------------------------------------------------------------
class FormStep(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    id: FieldId
    title: Label
    title_en: Label | None = None
    components: Annotated[list[Component], msgspec.Meta(min_length=1, max_length=100)]


class Form(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    steps: Annotated[list[FormStep], msgspec.Meta(min_length=1, max_length=20)]


class GuideSection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """One section of the guide page: a paragraph, a list, or both."""

    id: FieldId
    title: Label
    title_en: Label | None = None
    paragraphs: list[Prose] = []
    bullets: list[Prose] = []


class Guide(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    sections: Annotated[list[GuideSection], msgspec.Meta(min_length=1, max_length=30)]


class RenderSpec(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    spec_version: Annotated[str, msgspec.Meta(pattern=r"^1\.\d+$")] = SPEC_VERSION
    guide: Guide
    form: Form
