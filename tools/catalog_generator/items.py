"""One planned kind, implemented in one division, becomes one service item with a complete handling guide."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ishenzhen.catalog.model import (
    Channel,
    Department,
    Fee,
    ImplementingBody,
    Material,
    OnlineDepth,
    Result,
    ServiceItem,
    Visits,
)
from ishenzhen.catalog.source.codes import (
    SHENZHEN_DIVISION,
    basic_code,
    implementation_code,
    item_code,
)
from tools.catalog_generator.plan import PlannedKind
from tools.catalog_generator.texts import (
    KEYWORDS,
    acceptance_conditions,
    default_result,
    faq,
    result_name,
    visit_reason,
)
from tools.catalog_generator.vocabulary import DEREGISTRATION, FEES, MATERIALS, MaterialSpec

__all__ = ["Implementation", "build_item"]

_STATUTORY_DAYS = {
    "licence": 20,
    "benefit": 20,
    "confirmation": 20,
    "reward": 30,
    "ruling": 45,
    "levy": 15,
    "public_service": 10,
    "other": 20,
}
_HEAT_POPULARITY = (0, 150, 900, 4_000, 16_000, 60_000)
_IDENTITY = {
    "natural_person": ("居民身份证",),
    "legal_person": ("营业执照", "法定代表人身份证明"),
    "both": ("居民身份证", "营业执照"),
}


@dataclass(frozen=True, slots=True)
class Implementation:
    """Where and by whom a kind is implemented, and which sub-item (only beyond scale 1)."""

    division: str
    body_name: str
    body_credit_code: str
    enquiry_phone: str
    population_weight: float
    sub_item: int


def _materials(kind: PlannedKind, phone: bool, visits: int, rng: random.Random) -> list[Material]:
    form_name = (
        "申请书" if kind.group.audience == "legal_person" and kind.group.item_type == "licence" else "申请表"
    )
    names = list(dict.fromkeys((form_name, *_IDENTITY[kind.group.audience], *kind.group.materials)))
    materials = [_material(name, MATERIALS[name], phone, visits, required=True) for name in names]
    if rng.random() < 0.3:
        materials.append(
            _material(
                "授权委托书",
                MATERIALS["授权委托书"],
                phone,
                visits,
                required=False,
                notes="委托他人代办时提交",
            )
        )
    return materials


def _material(
    name: str, spec: MaterialSpec, phone: bool, visits: int, *, required: bool, notes: str | None = None
) -> Material:
    form = spec.form
    if not phone and visits > 0 and spec.source != "shared_data" and form == "paper_or_electronic":
        # Items that need a visit still take paper originals at the window.
        form = "paper"
    return Material(
        name=name,
        kind=spec.kind,
        form=form,
        required=required,
        source=spec.source,
        copies=2 if spec.kind == "copy" else 1,
        e_licence_type=spec.e_licence_type,
        notes=notes or spec.notes,
    )


def _fees(kind: PlannedKind) -> list[Fee]:
    if kind.group.fee is None:
        return []
    spec = FEES[kind.group.fee]
    return [
        Fee(
            charged=spec.charged, item=spec.item, standard=spec.standard, basis=spec.basis, waiver=spec.waiver
        )
    ]


def _days(kind: PlannedKind, rng: random.Random) -> tuple[int, int]:
    statutory = kind.group.statutory_days or _STATUTORY_DAYS[kind.group.item_type]
    if kind.name == DEREGISTRATION:
        return statutory, 1
    if kind.instant_approval:
        return statutory, 0
    if kind.group.item_type == "public_service" and rng.random() < 0.4:
        return statutory, 0
    return statutory, max(1, round(statutory * rng.choice((0.2, 0.25, 0.3, 0.5))))


def _visits(kind: PlannedKind, rng: random.Random) -> Visits:
    if kind.phone_handling:
        return 0
    if kind.group.visit_reason is not None:
        return 2 if rng.random() < 0.1 else 1
    draw = rng.random()
    return 0 if draw < 0.45 else 1 if draw < 0.92 else 2


def _channels(phone: bool, visits: int, audience: str) -> tuple[list[Channel], OnlineDepth]:
    if phone:
        return ["phone", "online", "window"], "full_online"
    if visits == 0:
        return ["online", "window", "post"], "online_processing"
    if visits == 1:
        # Applied for or booked in the app, finished at the window.
        first: Channel = "phone" if audience != "legal_person" else "online"
        return [first, "window"], "online_submission"
    return ["window"], "download"


def _keywords(name: str) -> list[str]:
    return [short for long, shorts in KEYWORDS for short in shorts if long in name]


def _popularity(kind: PlannedKind, where: Implementation, item_rng: random.Random) -> int:
    kind_factor = random.Random(kind.rng_seed + "/popularity").uniform(0.3, 1.7)
    return int(
        _HEAT_POPULARITY[kind.group.heat] * kind_factor * where.population_weight
    ) + item_rng.randrange(100)


def build_item(kind: PlannedKind, department: Department, where: Implementation) -> ServiceItem:
    """The item of ``kind`` implemented at ``where``; shared traits come from the kind's own random stream."""
    group = kind.group
    basic = basic_code(group.item_type, kind.department_number, kind.kind_number, where.sub_item)
    code = item_code(basic, where.division)
    kind_rng = random.Random(kind.rng_seed + "/traits")
    item_rng = random.Random(code)
    name = kind.name if where.sub_item == 0 else f"{kind.name}（情形{where.sub_item + 1}）"
    statutory, promised = _days(kind, kind_rng)
    visits = _visits(kind, kind_rng)
    channels, depth = _channels(kind.phone_handling, visits, group.audience)
    result = (
        Result(name=result_name(group.result[0], kind.fill), type=group.result[1])
        if group.result
        else default_result(group.item_type, kind.name)
    )
    city = where.division == SHENZHEN_DIVISION
    scope = group.scope or ("city_wide" if city or kind_rng.random() < 0.3 else "district")
    return ServiceItem(
        code=code,
        basic_code=basic,
        implementation_code=implementation_code(basic, where.division, where.body_credit_code),
        name=name,
        item_type=group.item_type,
        department=department.slug,
        implementing_body=ImplementingBody(name=where.body_name, credit_code=where.body_credit_code),
        level=group.level,
        district=None if city else where.division,
        audience=group.audience,
        themes=list(group.themes),
        legal_basis=list(group.basis or kind.department.laws[:2]),
        acceptance_conditions=acceptance_conditions(group.audience, group.condition, kind_rng),
        case_type="immediate" if promised == 0 else "promised",
        channels=channels,
        materials=_materials(kind, kind.phone_handling, visits, kind_rng),
        fees=_fees(kind),
        statutory_days=statutory,
        promised_days=promised,
        visits=visits,
        visit_reason=visit_reason(group.visit_reason, kind_rng) if visits else None,
        instant_approval=kind.instant_approval,
        phone_handling=kind.phone_handling,
        online_depth=depth,
        result=result,
        progress_query=f"登录“i深圳”APP，在“我的办件”中查询；或拨打{where.enquiry_phone}查询",
        enquiry_phone=where.enquiry_phone,
        complaint_phone="12345",
        faq=faq(
            name, promised, statutory, kind.instant_approval, kind.phone_handling, bool(group.fee), kind_rng
        ),
        service_scope=scope,
        keywords=_keywords(name),
        popularity=_popularity(kind, where, item_rng),
        version=1,
        status="in_force",
    )
