"""The simulated registers: people, enterprises, e-licences and credit, generated per identifier on demand.

Nothing is materialised at start. A person is an index ``i < people`` mapped by a seeded affine bijection onto
the space of (region, birth date, sequence) triples, so the resident ID number and the index convert both ways
in constant time, and every attribute is drawn from a hash of (seed, index). Enterprises work the same way
over the organisation-code space. The same seed always yields the same city; lookups of numbers outside the
population answer "not found", as the real register would.

A few people and one enterprise are fixed so the gateway's demo accounts exist here with the same names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from ishenzhen_simulators.data_platform.codes import (
    CREDIT_ALPHABET,
    credit_check,
    organisation_check,
    resident_check,
)

__all__ = ["DISTRICTS", "City"]

# The catalogue's ten districts (services_catalog/districts.yaml), also used as ID-number region codes.
DISTRICTS = (
    "440303",
    "440304",
    "440305",
    "440306",
    "440307",
    "440308",
    "440309",
    "440310",
    "440311",
    "440312",
)
DISTRICT_NAMES = ("罗湖", "福田", "南山", "宝安", "龙岗", "盐田", "龙华", "坪山", "光明", "大鹏")
# Regions people were born in before moving to Shenzhen (first six digits of their ID numbers).
ORIGIN_REGIONS = (*DISTRICTS, "440106", "440981", "445102", "430102", "420106", "360102", "510107", "410105")
_FIRST_BIRTH = dt.date(1930, 1, 1)
_BIRTH_DAYS = (dt.date(2008, 12, 31) - _FIRST_BIRTH).days + 1
_ID_SPACE = len(ORIGIN_REGIONS) * _BIRTH_DAYS * 1000
_ORG_SPACE = 31**8
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉鹏飞宇浩然欣怡子轩梓涵一诺雨彤思远晨曦佳琪俊杰嘉怡志强海燕丹凤晓东立新春梅秋菊冬青"
_WORDS = "华创盛泰鑫源恒达宏远新科信诚联合金辉德润星海鹏程立邦汇通天成中和安达"
_INDUSTRIES = (
    ("科技", "limited_company"),
    ("贸易", "limited_company"),
    ("电子", "limited_company"),
    ("实业", "joint_stock"),
    ("餐饮管理", "limited_company"),
    ("物流", "limited_company"),
    ("信息技术", "foreign_invested"),
    ("商行", "individual_business"),
    ("便利店", "individual_business"),
    ("投资合伙企业", "partnership"),
    ("分公司", "branch"),
    ("建筑工程", "limited_company"),
)
_LICENCE_ISSUERS = {
    "resident_id": "深圳市公安局",
    "household_register": "深圳市公安局",
    "residence_permit": "深圳市公安局",
    "hk_macau_permit": "深圳市公安局出入境管理局",
    "driving_licence": "深圳市公安局交通警察局",
    "business_licence": "深圳市市场监督管理局",
    "marriage_certificate": "深圳市民政局",
    "real_estate_certificate": "深圳市规划和自然资源局",
    "lease_filing": "深圳市住房和建设局",
    "diploma": "教育部学信网",
    "degree_certificate": "国务院学位委员会",
    "social_security_card": "深圳市人力资源和社会保障局",
    "overseas_degree_certification": "教育部留学服务中心",
    "postdoctoral_certificate": "全国博士后管理委员会办公室",
}


def _blake(seed: int, kind: str, index: int) -> int:
    digest = hashlib.blake2b(f"{seed}:{kind}:{index}".encode(), digest_size=16).digest()
    return int.from_bytes(digest, "big")


class _Bits:
    """Successive fair draws from one 128-bit hash."""

    def __init__(self, value: int) -> None:
        self.value = value

    def below(self, bound: int) -> int:
        self.value, drawn = divmod(self.value, bound)
        return drawn

    def chance(self, per_thousand: int) -> bool:
        return self.below(1000) < per_thousand


def _affine(seed: int, space: int, salt: str) -> tuple[int, int, int]:
    """A seeded multiplier coprime with ``space``, its inverse, and an offset."""
    import math

    candidate = _blake(seed, salt, 0) % space | 1
    while math.gcd(candidate, space) != 1:
        candidate += 2
    return candidate, pow(candidate, -1, space), _blake(seed, salt, 1) % space


@dataclass(frozen=True, slots=True)
class _Fixed:
    name: str
    sex: str
    household_district: str
    extra: dict[str, Any]


# The gateway's demo citizens (src/ishenzhen/identity/seed.py) exist here under the same names.
_FIXED_PEOPLE = {
    "440303198503120017": _Fixed("张伟", "male", "440303", {"social_insurance_months": 96}),
    "440305199207060029": _Fixed("李娜", "female", "440305", {"social_insurance_months": 60}),
}
_DEMO_ENTERPRISE = ("91440300MA5FDEMQ01", "深圳市示例科技有限公司", "440305199207060029")


class City:
    """Every register of one seeded city, as of ``today``."""

    def __init__(
        self, seed: int, people: int = 120_000, enterprises: int = 24_000, today: dt.date | None = None
    ):
        if people > _ID_SPACE or enterprises > _ORG_SPACE:
            raise ValueError("more records than identifiers")
        self.seed, self.people, self.enterprises = seed, people, enterprises
        self.today = today or dt.date.today()
        self._person_map = _affine(seed, _ID_SPACE, "person-map")
        self._org_map = _affine(seed, _ORG_SPACE, "org-map")

    # ---- identifiers
    def id_number(self, index: int) -> str:
        multiplier, _, offset = self._person_map
        slot = (index * multiplier + offset) % _ID_SPACE
        slot, sequence = divmod(slot, 1000)
        region, day = divmod(slot, _BIRTH_DAYS)
        born = _FIRST_BIRTH + dt.timedelta(days=day)
        body = f"{ORIGIN_REGIONS[region]}{born:%Y%m%d}{sequence:03d}"
        return body + resident_check(body)

    def person_index(self, id_number: str) -> int | None:
        if (
            len(id_number) != 18
            or not id_number[:17].isdigit()
            or resident_check(id_number[:17]) != id_number[17]
        ):
            return None
        try:
            region = ORIGIN_REGIONS.index(id_number[:6])
            born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        except ValueError:
            return None
        day = (born - _FIRST_BIRTH).days
        if not 0 <= day < _BIRTH_DAYS:
            return None
        slot = (region * _BIRTH_DAYS + day) * 1000 + int(id_number[14:17])
        _, inverse, offset = self._person_map
        index = (slot - offset) * inverse % _ID_SPACE
        return index if index < self.people else None

    def credit_code(self, index: int) -> str:
        multiplier, _, offset = self._org_map
        slot = (index * multiplier + offset) % _ORG_SPACE
        chars = []
        for _ in range(8):
            slot, digit = divmod(slot, 31)
            chars.append(CREDIT_ALPHABET[digit])
        organisation = "".join(chars)
        kind = _INDUSTRIES[_Bits(_blake(self.seed, "enterprise", index)).below(len(_INDUSTRIES))][1]
        district = DISTRICTS[index % len(DISTRICTS)]
        body = ("92" if kind == "individual_business" else "91") + district + organisation
        body += organisation_check(organisation)
        return body + credit_check(body)

    def enterprise_index(self, code: str) -> int | None:
        if (
            len(code) != 18
            or any(char not in CREDIT_ALPHABET for char in code)
            or credit_check(code[:17]) != code[17]
        ):
            return None
        slot = 0
        for char in reversed(code[8:16]):
            slot = slot * 31 + CREDIT_ALPHABET.index(char)
        _, inverse, offset = self._org_map
        index = (slot - offset) * inverse % _ORG_SPACE
        if index >= self.enterprises or self.credit_code(index) != code:
            return None
        return index

    # ---- population register
    def person(self, id_number: str) -> dict[str, Any] | None:
        fixed = _FIXED_PEOPLE.get(id_number)
        index = self.person_index(id_number)
        if index is None and fixed is None:
            return None
        bits = _Bits(_blake(self.seed, "person", index if index is not None else int(id_number[:17])))
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        sex = "male" if int(id_number[16]) % 2 else "female"
        name = _SURNAMES[bits.below(len(_SURNAMES))] + _GIVEN[bits.below(len(_GIVEN))]
        if bits.chance(600):
            name += _GIVEN[bits.below(len(_GIVEN))]
        roll = bits.below(1000)
        status = "deceased" if roll < 8 else "moved_out" if roll < 30 else "alive"
        shenzhen = id_number[:6] in DISTRICTS or bits.chance(450)
        household_district = DISTRICTS[bits.below(len(DISTRICTS))] if shenzhen else ""
        if shenzhen and id_number[:6] in DISTRICTS and bits.chance(700):
            household_district = id_number[:6]
        age = self._age(born)
        household_years = min(age, bits.below(40)) if shenzhen else 0
        months = 0 if age < 18 else min((age - 18) * 12, bits.below(420))
        benefits: list[str] = []
        if age >= 60 and shenzhen and bits.chance(300):
            benefits.append("elderly_allowance")
        if bits.chance(6):
            benefits.append("minimum_living_allowance")
        record: dict[str, Any] = {
            "id_number": id_number,
            "name": name,
            "sex": sex,
            "birth_date": born.isoformat(),
            "status": status,
            "shenzhen_household": shenzhen and status != "moved_out",
            "household_district": household_district if status != "moved_out" else "",
            "household_years": household_years,
            "social_insurance_months": months,
            "benefits": benefits,
            "spouse_id": "",
        }
        if status == "deceased":
            record["death_date"] = (self.today - dt.timedelta(days=1 + bits.below(3650))).isoformat()
        if index is not None and age >= 22 and self._married(index):
            partner = index ^ 1
            if partner < self.people and self._age_of(partner) >= 22:
                record["spouse_id"] = self.id_number(partner)
        if fixed is not None:
            record.update(
                name=fixed.name,
                sex=fixed.sex,
                status="alive",
                shenzhen_household=True,
                household_district=fixed.household_district,
                household_years=10,
                **fixed.extra,
            )
            record.pop("death_date", None)
        return record

    def _married(self, index: int) -> bool:
        return _Bits(_blake(self.seed, "marriage", index >> 1)).chance(550)

    def _age_of(self, index: int) -> int:
        number = self.id_number(index)
        return self._age(dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])))

    def _age(self, born: dt.date) -> int:
        years = self.today.year - born.year
        return years - ((self.today.month, self.today.day) < (born.month, born.day))

    # ---- legal-person register
    def enterprise(self, code: str) -> dict[str, Any] | None:
        if code == _DEMO_ENTERPRISE[0]:
            return {
                "credit_code": code,
                "name": _DEMO_ENTERPRISE[1],
                "type": "limited_company",
                "status": "operating",
                "legal_representative_id": _DEMO_ENTERPRISE[2],
                "registered_capital": 500,
                "district": "440305",
                "address": "深圳市南山区粤海街道科技园示例路 1 号",
                "established_on": "2019-06-18",
                "tax_cleared": True,
                "pending_cases": 0,
            }
        index = self.enterprise_index(code)
        if index is None:
            return None
        bits = _Bits(_blake(self.seed, "enterprise", index))
        industry, kind = _INDUSTRIES[bits.below(len(_INDUSTRIES))]
        district = DISTRICTS[index % len(DISTRICTS)]
        word = _WORDS[bits.below(len(_WORDS))] + _WORDS[bits.below(len(_WORDS))]
        suffix = {"individual_business": "", "partnership": "（有限合伙）", "branch": ""}.get(
            kind, "有限公司"
        )
        name = (
            f"深圳市{word}{industry}{suffix}"
            if kind != "branch"
            else f"深圳市{word}实业有限公司{DISTRICT_NAMES[index % 10]}分公司"
        )
        roll = bits.below(1000)
        status = "revoked" if roll < 30 else "deregistered" if roll < 80 else "operating"
        established = self.today - dt.timedelta(days=30 + bits.below(365 * 25))
        representative = self.id_number(bits.below(self.people))
        return {
            "credit_code": code,
            "name": name,
            "type": kind,
            "status": status,
            "legal_representative_id": representative,
            "registered_capital": 1 + bits.below(5000),
            "district": district,
            "address": f"深圳市{DISTRICT_NAMES[index % 10]}区{word}路 {1 + bits.below(999)} 号",
            "established_on": established.isoformat(),
            "tax_cleared": bits.chance(700),
            "pending_cases": 0 if bits.chance(950) else 1 + bits.below(3),
        }

    def name_available(self, name: str) -> bool:
        if name == _DEMO_ENTERPRISE[1] or any(word in name for word in ("中国", "国家", "中华")):
            return False
        # About one proposed name in twenty is too close to a registered one.
        return (
            int(hashlib.blake2b(f"{self.seed}:name:{name}".encode(), digest_size=4).hexdigest(), 16) % 20 != 0
        )

    # ---- e-licence register
    def licences(self, holder: str) -> list[dict[str, Any]] | None:
        person = self.person(holder) if len(holder) == 18 and holder[:17].isdigit() else None
        if person is not None:
            return self._person_licences(person)
        enterprise = self.enterprise(holder)
        if enterprise is None:
            return None
        issued = dt.date.fromisoformat(enterprise["established_on"])
        status = {"operating": "valid", "deregistered": "revoked", "revoked": "revoked"}[enterprise["status"]]
        return [
            self._licence("business_licence", holder, enterprise["name"], holder, issued, None, status, "A")
        ]

    def _licence(
        self,
        kind: str,
        holder: str,
        holder_name: str,
        number: str,
        issued: dt.date,
        expires: dt.date | None,
        status: str,
        grade: str,
        **extra: Any,
    ) -> dict[str, Any]:
        return {
            "type": kind,
            "number": number,
            "holder": holder,
            "holder_name": holder_name,
            "issuer": _LICENCE_ISSUERS.get(kind, "深圳市政务服务数据管理局"),
            "issued_on": issued.isoformat(),
            "expires_on": expires.isoformat() if expires else None,
            "status": status,
            "grade": grade,
            **extra,
        }

    def _person_licences(self, person: dict[str, Any]) -> list[dict[str, Any]]:
        holder, name = person["id_number"], person["name"]
        index = self.person_index(holder)
        bits = _Bits(_blake(self.seed, "licences", index if index is not None else int(holder[:17])))
        born = dt.date.fromisoformat(person["birth_date"])
        age = self._age(born)
        alive = person["status"] == "alive"
        out: list[dict[str, Any]] = []

        def anniversary(years: int) -> dt.date:
            try:
                return born.replace(year=born.year + years)
            except ValueError:  # 29 February
                return dt.date(born.year + years, 3, 1)

        def serial(kind: str) -> str:
            return f"{kind[:2].upper()}{_blake(self.seed, kind, int(holder[:17])) % 10**10:010d}"

        if age >= 16:
            issued = self.today - dt.timedelta(days=bits.below(3650))
            expires = None if age >= 46 else issued + dt.timedelta(days=365 * (10 if age < 26 else 20))
            out.append(
                self._licence(
                    "resident_id", holder, name, holder, issued, expires, "valid" if alive else "revoked", "A"
                )
            )
        if person["shenzhen_household"]:
            out.append(
                self._licence(
                    "household_register",
                    holder,
                    name,
                    serial("hr"),
                    self.today - dt.timedelta(days=365 * person["household_years"]),
                    None,
                    "valid",
                    "A",
                )
            )
        elif alive and age >= 16 and bits.chance(700):
            issued = self.today - dt.timedelta(days=bits.below(1000))
            out.append(
                self._licence(
                    "residence_permit",
                    holder,
                    name,
                    serial("rp"),
                    issued,
                    issued + dt.timedelta(days=365 * 3),
                    "valid",
                    "A",
                )
            )
        if age >= 22 and bits.chance(450):
            level = ("college", "bachelor", "bachelor", "bachelor", "master", "master", "doctor")[
                bits.below(7)
            ]
            graduated = anniversary({"college": 21, "bachelor": 22, "master": 25, "doctor": 28}[level] + 0)
            if graduated <= self.today:
                revoked = bits.chance(5)
                status = "revoked" if revoked else "valid"
                if bits.chance(30):
                    kind = "overseas_degree_certification"
                    out.append(
                        self._licence(
                            kind, holder, name, serial(kind), graduated, None, status, "A", level=level
                        )
                    )
                else:
                    out.append(
                        self._licence("diploma", holder, name, serial("di"), graduated, None, status, "A")
                    )
                    if level != "college":
                        out.append(
                            self._licence(
                                "degree_certificate",
                                holder,
                                name,
                                serial("dc"),
                                graduated,
                                None,
                                status,
                                "A",
                                level=level,
                            )
                        )
                if level == "doctor" and bits.chance(300):
                    out.append(
                        self._licence(
                            "postdoctoral_certificate",
                            holder,
                            name,
                            serial("pd"),
                            graduated + dt.timedelta(days=60),
                            None,
                            "valid",
                            "B",
                        )
                    )
        if age >= 18 and bits.chance(480):
            issued = anniversary(18 + bits.below(max(1, min(age - 18, 30)) + 1))
            issued = min(issued, self.today)
            expires = issued + dt.timedelta(days=365 * (6 if bits.chance(300) else 10))
            status = "revoked" if bits.chance(15) or not alive else "valid"
            out.append(self._licence("driving_licence", holder, name, holder, issued, expires, status, "A"))
        if person["spouse_id"]:
            out.append(
                self._licence(
                    "marriage_certificate",
                    holder,
                    name,
                    serial("mc"),
                    anniversary(24 + bits.below(8)),
                    None,
                    "valid",
                    "A",
                )
            )
        if age >= 25 and bits.chance(350):
            out.append(
                self._licence(
                    "real_estate_certificate",
                    holder,
                    name,
                    serial("re"),
                    anniversary(25 + bits.below(max(1, age - 24))),
                    None,
                    "valid",
                    "A",
                )
            )
        elif age >= 18 and bits.chance(400):
            issued = self.today - dt.timedelta(days=bits.below(700))
            out.append(
                self._licence(
                    "lease_filing",
                    holder,
                    name,
                    serial("lf"),
                    issued,
                    issued + dt.timedelta(days=365 * 2),
                    "valid",
                    "B",
                )
            )
        if age >= 16 and person["social_insurance_months"] > 0:
            out.append(
                self._licence(
                    "social_security_card",
                    holder,
                    name,
                    serial("ss"),
                    self.today - dt.timedelta(days=bits.below(3000)),
                    None,
                    "valid" if alive else "revoked",
                    "A",
                )
            )
        if bits.chance(500):
            issued = self.today - dt.timedelta(days=bits.below(3650))
            out.append(
                self._licence(
                    "hk_macau_permit",
                    holder,
                    name,
                    serial("hk"),
                    issued,
                    issued + dt.timedelta(days=3650),
                    "valid",
                    "A",
                )
            )
        return out

    # ---- public credit
    def credit(self, subject: str) -> dict[str, Any] | None:
        if self.person(subject) is not None and len(subject) == 18 and subject[:17].isdigit():
            index = self.person_index(subject)
            bits = _Bits(_blake(self.seed, "credit", index if index is not None else int(subject[:17])))
            fixed = subject in _FIXED_PEOPLE
            violations = 0 if fixed or bits.chance(960) else 1 + bits.below(3)
            return {
                "subject": subject,
                "dishonest": not fixed and bits.chance(15),
                "criminal_record": not fixed and bits.chance(10),
                "barred_from_management": not fixed and bits.chance(5),
                "serious_traffic_violations": violations,
                "abnormal_operation": False,
                "rating": "A" if fixed else "ABCD"[min(3, bits.below(10) // 3)],
            }
        enterprise = self.enterprise(subject)
        if enterprise is None:
            return None
        bits = _Bits(_blake(self.seed, "credit", 10**18 + (self.enterprise_index(subject) or 0)))
        demo = subject == _DEMO_ENTERPRISE[0]
        return {
            "subject": subject,
            "dishonest": not demo and bits.chance(10),
            "abnormal_operation": not demo and bits.chance(40),
            "criminal_record": False,
            "barred_from_management": False,
            "serious_traffic_violations": 0,
            "rating": "A" if demo else "ABCD"[min(3, bits.below(10) // 3)],
        }
