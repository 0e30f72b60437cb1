"""The format of the files under ``services_catalog/``: English keys, Chinese values.

Each Struct refuses unknown keys, so a misspelt key in a clerk's edit is reported instead of silently dropped.
Enumerations are ``Literal`` types; their English values are glossed next to the national term they stand for.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from ishenzhen.ui.model import RenderSpec

__all__ = [
    "AUDIENCES",
    "ITEM_TYPES",
    "MAX_VERSION",
    "Catalog",
    "Department",
    "DepartmentFile",
    "District",
    "DistrictBody",
    "ElicenceType",
    "Faq",
    "Fee",
    "ImplementingBody",
    "ItemsFile",
    "Material",
    "Result",
    "ServiceItem",
    "Theme",
    "VersionNumber",
]

# 服务对象: 自然人, 法人, or both.
Audience = Literal["natural_person", "legal_person", "both"]
AUDIENCES: tuple[Audience, ...] = ("natural_person", "legal_person", "both")
# 事项类型: 行政许可, 行政给付, 行政确认, 行政奖励, 行政裁决, 行政征收, 公共服务, 其他.
ItemType = Literal[
    "licence", "benefit", "confirmation", "reward", "ruling", "levy", "public_service", "other"
]
ITEM_TYPES: tuple[ItemType, ...] = (
    "licence",
    "benefit",
    "confirmation",
    "reward",
    "ruling",
    "levy",
    "public_service",
    "other",
)
# 行使层级.
Level = Literal["city", "district"]
# 办件类型: 即办件 settled on the spot, 承诺件 settled within the promised days.
CaseType = Literal["immediate", "promised"]
# 办理形式: 掌上 (the app), 网上 (the web portal), 窗口 (a service hall), 邮寄.
Channel = Literal["phone", "online", "window", "post"]
# 网上办理深度, from a published guide only up to handling and delivery entirely online.
OnlineDepth = Literal["information", "download", "online_submission", "online_processing", "full_online"]
# 事项状态.
Status = Literal["in_force", "suspended", "cancelled"]
# 通办范围.
ServiceScope = Literal["district", "city_wide", "province_wide", "nationwide"]
# 材料类型 and 材料形式.
MaterialKind = Literal["original", "copy"]
MaterialForm = Literal["paper", "electronic", "paper_or_electronic"]
# 来源渠道: the applicant, the department that issued it, or the data-sharing platform (免提交).
MaterialSource = Literal["applicant", "issuing_department", "shared_data"]
# 审批结果类型.
ResultType = Literal["licence", "certificate", "approval_letter", "registration", "payment", "notice"]
# 单位性质: 机关 (credit code category 11), 事业单位 (12), 群团组织 (13).
Nature = Literal["government_body", "public_institution", "mass_organisation"]
Days = Annotated[int, msgspec.Meta(ge=0, le=365)]
# Item versions are PostgreSQL integer columns; a million versions is far beyond any item's life.
MAX_VERSION = 1_000_000
VersionNumber = Annotated[int, msgspec.Meta(ge=1, le=MAX_VERSION)]
# Hall visits: 0, 1, or 2 meaning "two or more".
Visits = Literal[0, 1, 2]


class _Record(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of every record in the files."""


class DistrictBody(_Record):
    """A department's counterpart in one district, e.g. 福田区民政局 or 深圳市公安局福田分局."""

    district: str
    name: str
    credit_code: str


class Department(_Record):
    slug: str
    name: str
    short_name: str
    nature: Nature
    credit_code: str
    enquiry_phone: str
    district_bodies: list[DistrictBody] = []


class District(_Record):
    code: str
    name: str
    slug: str
    # 新区 (Dapeng) is a functional area, not a district in law; the catalogue treats both alike.
    kind: Literal["district", "new_district"]


class Theme(_Record):
    code: str
    name: str
    audience: Literal["natural_person", "legal_person"]


class ElicenceType(_Record):
    """A kind of electronic licence (电子证照) that can stand in for a paper material."""

    code: str
    name: str
    issuer: str


class ImplementingBody(_Record):
    name: str
    credit_code: str


class Material(_Record, kw_only=True):
    """A material to submit. The generator leaves fields at their default out of the files (items carry many
    materials and the YAML parser's time grows with the number of nodes); encoders elsewhere show them all."""

    name: str
    kind: MaterialKind = "original"
    form: MaterialForm
    required: bool = True
    source: MaterialSource = "applicant"
    copies: Annotated[int, msgspec.Meta(ge=1, le=99)] = 1
    # The e-licence type that can replace this material (免提交), if any.
    e_licence_type: str | None = None
    notes: str | None = None


class Fee(_Record):
    charged: bool
    item: str
    standard: str | None
    basis: str | None
    waiver: str | None = None


class Result(_Record):
    name: str
    type: ResultType


class Faq(_Record):
    question: str
    answer: str


class ServiceItem(_Record, kw_only=True):
    code: str
    basic_code: str
    implementation_code: str
    name: str
    item_type: ItemType
    department: str
    implementing_body: ImplementingBody
    level: Level
    district: str | None
    audience: Audience
    themes: Annotated[list[str], msgspec.Meta(max_length=20)]
    legal_basis: Annotated[list[str], msgspec.Meta(max_length=50)]
    acceptance_conditions: Annotated[list[str], msgspec.Meta(max_length=50)]
    case_type: CaseType
    channels: Annotated[list[Channel], msgspec.Meta(max_length=10)]
    materials: Annotated[list[Material], msgspec.Meta(max_length=100)]
    fees: Annotated[list[Fee], msgspec.Meta(max_length=50)]
    # In working days.
    statutory_days: Days
    promised_days: Days
    visits: Visits
    visit_reason: str | None
    instant_approval: bool
    phone_handling: bool
    online_depth: OnlineDepth
    result: Result
    progress_query: str
    enquiry_phone: str
    complaint_phone: str
    faq: Annotated[list[Faq], msgspec.Meta(max_length=50)]
    service_scope: ServiceScope
    keywords: Annotated[list[str], msgspec.Meta(max_length=50)] = []
    popularity: Annotated[int, msgspec.Meta(ge=0, le=2_147_483_647)]
    version: VersionNumber
    status: Status
    # The guide page and application form the app renders. ``None``: derived from the materials
    # (``catalog.default_spec``). Hand-written specs live in ``services_catalog/render_specs/<code>.yaml``.
    render_spec: RenderSpec | None = None
    # An instant-approval item's rule set (秒批规则), versioned, reviewed and published with the item; checked
    # by ``approvals.register`` when a department writes the item. ``None``: the city's template for the item
    # in ``services_catalog/rules/`` applies. Kept as the document the department wrote, so a diff shows it.
    rule_set: dict[str, Any] | None = None


class ItemsFile(_Record):
    """One file under ``items/``: a department's items, sorted by code."""

    department: str
    items: list[ServiceItem]


class DepartmentFile(_Record):
    departments: list[Department]


class Catalog(msgspec.Struct, kw_only=True):
    """The whole catalogue as loaded from a folder."""

    departments: list[Department]
    districts: list[District]
    themes: list[Theme]
    e_licence_types: list[ElicenceType]
    items: list[ServiceItem]
