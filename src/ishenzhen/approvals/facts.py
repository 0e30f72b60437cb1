"""What rules may read: the fact namespaces, their fields and types, and the facts of one decision.

Each namespace comes from one source of the city's data-sharing platform (``applicant`` from the population
register, ``licences`` from the e-licence register, …). Rules are checked against this schema when they are
registered, so a rule that names a field the platform does not provide is refused before it can ever run.

Derived fields (``applicant.age``, a licence's ``years_held``) are computed here from the register's dates and
the decision date, so every rule set counts ages the same way. Ages are whole years reached on the
anniversary itself (年满 60 周岁 on the 60th birthday); someone born on 29 February reaches a new age on
1 March in years without a 29 February, the day after 28 February, when the anniversary has not yet come.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "DERIVED_FROM",
    "DISTRICT_NAMES",
    "FACT_SCHEMA",
    "LICENCE_TYPES",
    "MAX_LIST_ITEMS",
    "SOURCES",
    "SOURCE_LABELS",
    "Facts",
    "FieldSpec",
    "Namespace",
    "SourceName",
    "SourceState",
    "age_on",
    "context_of",
    "whole_years_between",
]

SourceName = Literal["population", "legal_person", "e_licence", "credit"]
SOURCES: tuple[SourceName, ...] = ("population", "legal_person", "e_licence", "credit")
SOURCE_LABELS: dict[str, tuple[str, str]] = {
    "population": ("人口库", "population register"),
    "legal_person": ("法人库", "legal-person register"),
    "e_licence": ("电子证照库", "e-licence register"),
    "credit": ("公共信用信息", "public credit register"),
}
SourceState = Literal["ok", "not_found", "unavailable", "inconsistent"]
FieldType = Literal["int", "string", "bool", "date", "list"]

# Lists handed to rules are capped so no comprehension can run long, whatever a register returns.
MAX_LIST_ITEMS = 32


@dataclass(frozen=True, slots=True)
class FieldSpec:
    type: FieldType
    zh: str
    en: str
    # An enumeration's values with their labels (zh, en); rules may only compare against these.
    values: Mapping[str, tuple[str, str]] | None = None


@dataclass(frozen=True, slots=True)
class Namespace:
    source: SourceName | None  # None: the form or the decision itself, no platform pull
    fields: Mapping[str, FieldSpec]
    # Keyed namespaces map a key (a licence type) to a record of ``fields``: ``licences.diploma.status``.
    keys: Mapping[str, tuple[str, str]] | None = None
    zh: str = ""
    en: str = ""


def _f(kind: FieldType, zh: str, en: str, values: Mapping[str, tuple[str, str]] | None = None) -> FieldSpec:
    return FieldSpec(kind, zh, en, values)


_PERSON_STATUS = {
    "alive": ("正常", "alive"),
    "deceased": ("已死亡", "deceased"),
    "moved_out": ("已迁出", "moved out"),
}
_SEX = {"male": ("男", "male"), "female": ("女", "female")}
_ENTERPRISE_STATUS = {
    "operating": ("存续", "operating"),
    "deregistered": ("已注销", "deregistered"),
    "revoked": ("已吊销", "revoked"),
}
_ENTERPRISE_TYPE = {
    "limited_company": ("有限责任公司", "limited company"),
    "joint_stock": ("股份有限公司", "joint-stock company"),
    "branch": ("分公司", "branch"),
    "foreign_invested": ("外商投资企业", "foreign-invested enterprise"),
    "individual_business": ("个体工商户", "individual business"),
    "partnership": ("合伙企业", "partnership"),
}
_LICENCE_STATUS = {
    "valid": ("有效", "valid"),
    "expired": ("已过期", "expired"),
    "revoked": ("已注销", "revoked"),
}
_RATING = {"A": ("A 级", "A"), "B": ("B 级", "B"), "C": ("C 级", "C"), "D": ("D 级", "D")}
_DEGREE_LEVEL = {
    "college": ("大专", "college diploma"),
    "bachelor": ("学士", "bachelor"),
    "master": ("硕士", "master"),
    "doctor": ("博士", "doctorate"),
}
LICENCE_TYPES: dict[str, tuple[str, str]] = {
    "resident_id": ("居民身份证", "resident ID card"),
    "household_register": ("居民户口簿", "household register"),
    "residence_permit": ("深圳经济特区居住证", "Shenzhen residence permit"),
    "hk_macau_permit": ("往来港澳通行证", "Hong Kong and Macau travel permit"),
    "driving_licence": ("机动车驾驶证", "driving licence"),
    "business_licence": ("营业执照", "business licence"),
    "marriage_certificate": ("结婚证", "marriage certificate"),
    "birth_certificate": ("出生医学证明", "birth certificate"),
    "real_estate_certificate": ("不动产权证书", "property certificate"),
    "lease_filing": ("房屋租赁凭证", "lease filing"),
    "diploma": ("学历证书", "diploma"),
    "degree_certificate": ("学位证书", "degree certificate"),
    "overseas_degree_certification": ("国（境）外学历学位认证书", "overseas degree certification"),
    "postdoctoral_certificate": ("博士后进站证明", "postdoctoral admission"),
    "social_security_card": ("社会保障卡", "social security card"),
    "professional_title": ("专业技术资格证书", "professional title"),
    "skill_certificate": ("职业技能等级证书", "skill certificate"),
    "ride_hailing_driver_permit": ("网络预约出租汽车驾驶员证", "ride-hailing driver permit"),
    "tax_clearance": ("清税证明", "tax clearance"),
    "elderly_card": ("老年人优待证", "senior citizen card"),
}

FACT_SCHEMA: dict[str, Namespace] = {
    "applicant": Namespace(
        "population",
        {
            "id_number": _f("string", "公民身份号码", "resident ID number"),
            "name": _f("string", "姓名", "name"),
            "sex": _f("string", "性别", "sex", _SEX),
            "birth_date": _f("date", "出生日期", "date of birth"),
            "age": _f("int", "年龄", "age"),
            "status": _f("string", "人口状态", "status", _PERSON_STATUS),
            "household_district": _f("string", "户籍所在区", "district of household registration"),
            "shenzhen_household": _f("bool", "深圳户籍", "Shenzhen household registration"),
            "household_years": _f("int", "落户年限", "years of household registration"),
            "social_insurance_months": _f("int", "社保缴纳月数", "months of social insurance"),
            "benefits": _f("list", "已享受待遇", "benefits received"),
            "spouse_id": _f("string", "配偶身份证号", "spouse's ID number"),
        },
        zh="申请人",
        en="applicant",
    ),
    "enterprise": Namespace(
        "legal_person",
        {
            "name": _f("string", "企业名称", "enterprise name"),
            "type": _f("string", "企业类型", "type", _ENTERPRISE_TYPE),
            "status": _f("string", "登记状态", "registration status", _ENTERPRISE_STATUS),
            "legal_representative_id": _f("string", "法定代表人身份证号", "legal representative's ID number"),
            "registered_capital": _f("int", "注册资本（万元）", "registered capital (10k yuan)"),
            "district": _f("string", "登记所在区", "district of registration"),
            "years_operating": _f("int", "成立年限", "years since establishment"),
            "tax_cleared": _f("bool", "税务清税", "tax cleared"),
            "pending_cases": _f("int", "未结案件数", "pending cases"),
        },
        zh="企业",
        en="enterprise",
    ),
    "name_check": Namespace(
        "legal_person",
        {"available": _f("bool", "名称可用", "name available")},
        zh="名称自主申报",
        en="name check",
    ),
    "licences": Namespace(
        "e_licence",
        {
            "status": _f("string", "证照状态", "status", _LICENCE_STATUS),
            "holder_name": _f("string", "持证人", "holder"),
            "issued_on": _f("date", "发证日期", "date of issue"),
            "expires_on": _f("date", "有效期至", "valid until"),
            "years_held": _f("int", "持证年限", "years held"),
            "level": _f("string", "学位层次", "degree level", _DEGREE_LEVEL),
            "grade": _f("string", "可信等级", "trust grade"),
        },
        keys=LICENCE_TYPES,
        zh="电子证照",
        en="e-licences",
    ),
    "credit": Namespace(
        "credit",
        {
            "dishonest": _f("bool", "失信被执行人", "on the dishonest-person list"),
            "abnormal_operation": _f("bool", "经营异常名录", "on the abnormal-operation list"),
            "barred_from_management": _f("bool", "任职限制", "barred from managing a company"),
            "criminal_record": _f("bool", "犯罪记录", "criminal record"),
            "serious_traffic_violations": _f("int", "严重交通违法次数", "serious traffic violations"),
            "rating": _f("string", "信用等级", "credit rating", _RATING),
        },
        zh="信用",
        en="credit",
    ),
    "decision": Namespace(
        None,
        {
            "year": _f("int", "办理年份", "year of decision"),
            "date": _f("date", "办理日期", "date of decision"),
        },
        zh="办理",
        en="decision",
    ),
}


# Fields rules see that are computed here: what the platform is actually asked for (and what the access log
# names) is the field they are computed from.
DERIVED_FROM: dict[tuple[str, str], str] = {
    ("applicant", "age"): "birth_date",
    ("licences", "years_held"): "issued_on",
    ("enterprise", "years_operating"): "established_on",
}


def whole_years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end``: the anniversary counts; 29 February falls on 1 March."""
    years = end.year - start.year
    anniversary_month, anniversary_day = start.month, start.day
    if (anniversary_month, anniversary_day) == (2, 29) and not _is_leap(end.year):
        anniversary_month, anniversary_day = 3, 1
    if (end.month, end.day) < (anniversary_month, anniversary_day):
        years -= 1
    return years


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return whole_years_between(birth_date, on)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the platform said, fetched before the rules run; nothing here does I/O.

    ``states`` says per source whether it answered (``ok``), had no record (``not_found``), could not be
    reached in time (``unavailable``) or answered something contradictory (``inconsistent``). A namespace
    whose record is ``None`` is missing, and a rule that reads it cannot decide.
    """

    on: dt.date
    applicant: Mapping[str, Any] | None = None
    enterprise: Mapping[str, Any] | None = None
    name_check: Mapping[str, Any] | None = None
    licences: Mapping[str, Mapping[str, Any]] | None = None
    credit: Mapping[str, Any] | None = None
    states: Mapping[str, SourceState] = field(default_factory=dict)
    problems: Mapping[str, str] = field(default_factory=dict)  # source -> why it is inconsistent


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _clean(record: Mapping[str, Any], spec: Namespace) -> dict[str, Any]:
    """Keep only schema fields of the right type; anything else is dropped and so reads as missing."""
    out: dict[str, Any] = {}
    for name, field_spec in spec.fields.items():
        value = record.get(name)
        if value is None:
            continue
        match field_spec.type:
            case "int" if isinstance(value, int) and not isinstance(value, bool):
                out[name] = value
            case "bool" if isinstance(value, bool):
                out[name] = value
            case "string" if isinstance(value, str):
                out[name] = value
            case "date":
                parsed = _date(value)
                if parsed is not None:
                    out[name] = parsed.isoformat()
            case "list" if isinstance(value, list | tuple):
                out[name] = [item for item in value[:MAX_LIST_ITEMS] if isinstance(item, str)]
    return out


def _licence(record: Mapping[str, Any], on: dt.date) -> dict[str, Any]:
    out = _clean(record, FACT_SCHEMA["licences"])
    issued = _date(out.get("issued_on"))
    expires = _date(out.get("expires_on"))
    if issued is not None:
        out["years_held"] = whole_years_between(issued, on) if issued <= on else 0
    # The register's status may lag its own dates: a licence past its end date is expired on that day.
    if out.get("status") == "valid" and expires is not None and expires < on:
        out["status"] = "expired"
    return out


def context_of(facts: Facts) -> dict[str, Any]:
    """The CEL variables for one decision: only present, typed data, with derived fields filled in."""
    on = facts.on
    variables: dict[str, Any] = {"decision": {"year": on.year, "date": on.isoformat()}}
    if facts.applicant is not None:
        person = _clean(facts.applicant, FACT_SCHEMA["applicant"])
        born = _date(person.get("birth_date"))
        if born is not None and born <= on:
            person["age"] = age_on(born, on)
        variables["applicant"] = person
    if facts.enterprise is not None:
        enterprise = _clean(facts.enterprise, FACT_SCHEMA["enterprise"])
        established = _date(facts.enterprise.get("established_on"))
        if established is not None and established <= on:
            enterprise["years_operating"] = whole_years_between(established, on)
        variables["enterprise"] = enterprise
    if facts.name_check is not None:
        variables["name_check"] = _clean(facts.name_check, FACT_SCHEMA["name_check"])
    if facts.credit is not None:
        variables["credit"] = _clean(facts.credit, FACT_SCHEMA["credit"])
    if facts.licences is not None:
        variables["licences"] = {
            kind: _licence(record, on)
            for kind, record in facts.licences.items()
            if kind in LICENCE_TYPES and isinstance(record, Mapping)
        }
    return variables


# The catalogue's ten districts (GB/T 2260 codes; 大鹏新区 uses the code the catalogue gives it), for
# explanations that name a district rather than print its code.
DISTRICT_NAMES: dict[str, tuple[str, str]] = {
    "440303": ("罗湖区", "Luohu"),
    "440304": ("福田区", "Futian"),
    "440305": ("南山区", "Nanshan"),
    "440306": ("宝安区", "Bao'an"),
    "440307": ("龙岗区", "Longgang"),
    "440308": ("盐田区", "Yantian"),
    "440309": ("龙华区", "Longhua"),
    "440310": ("坪山区", "Pingshan"),
    "440311": ("光明区", "Guangming"),
    "440312": ("大鹏新区", "Dapeng"),
}
