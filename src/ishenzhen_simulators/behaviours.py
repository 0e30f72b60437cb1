"""What each department does with a case: its receipt numbers, the states a case moves through, its answers.

Five departments are simulated in depth, with the rules their real counterparts apply (age limits, instant
approval, missing material, the numbers of what they issue); every other department gets the generic flow:
accepted, in review, approved, completed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Behaviour", "QueryAnswer", "Step", "behaviour_for"]

CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Step:
    """One state change; ``pause`` is in units of the department's pace (0 = at once, as 秒批 does)."""

    status: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)
    pause: float = 1.0


@dataclass(frozen=True)
class QueryAnswer:
    status: int
    body: dict[str, Any]
    cache_control: str = "no-store"


def _age(id_number: str, today: dt.date | None = None) -> int | None:
    """Age in whole years from a resident ID number's birth date (digits 7-14), None if it has none."""
    try:
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None
    today = today or dt.datetime.now(CHINA).date()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _digits(seed: str, count: int) -> str:
    """Stable pseudo-random digits for a subject or number, so answers repeat for the same person."""
    value = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    return str(value % (10**count)).zfill(count)


class Behaviour:
    """The generic department: every item is accepted, reviewed, approved and completed."""

    receipt_prefix = "GEN"
    name = "generic"

    def __init__(self, department_code: str) -> None:
        self.department_code = department_code
        self._serial = itertools.count(1)

    def receipt_number(self) -> str:
        today = dt.datetime.now(CHINA).strftime("%Y%m%d")
        return f"{self.receipt_prefix}{self.department_code}{today}{next(self._serial):06d}"

    def plan(self, application: dict[str, Any]) -> list[Step]:
        return [
            Step("accepted", "申请已受理", pause=0.5),
            Step("in_review", "材料审核中"),
            Step(
                "approved",
                "审核通过",
                {"result_number": f"{self.department_code}-{_digits(application['number'], 8)}"},
            ),
            Step("completed", "办结，结果已送达"),
        ]

    def after_supplement(self, application: dict[str, Any]) -> list[Step]:
        return [
            Step("in_review", "补充材料已收到，继续审核", pause=0.5),
            Step("approved", "审核通过"),
            Step("completed", "办结，结果已送达"),
        ]

    def query(self, name: str, user: str, params: dict[str, str]) -> QueryAnswer | None:
        return None


def _needs_material(application: dict[str, Any], step: Step) -> list[Step] | None:
    if application.get("materials"):
        return None
    return [Step("accepted", "申请已受理", pause=0.5), step]


class PublicSecurity(Behaviour):
    """市公安局: resident ID cards (申领/换领/补领) and household registration moves (户口迁入)."""

    receipt_prefix = "GA"
    name = "public-security"
    _ID_CARD = ("070050001", "070050002", "070050003", "070050004")

    def plan(self, application: dict[str, Any]) -> list[Step]:
        code = application["item_code"]
        if code.startswith(self._ID_CARD):
            number = application["applicant"].get("id_number", "")
            return [
                Step("accepted", "已受理居民身份证申请", pause=0.5),
                Step("in_review", "正在核验人像与户籍信息"),
                Step(
                    "approved",
                    "审核通过，证件制作中",
                    {
                        "card_masked": f"{number[:6]}********{number[-4:]}" if len(number) == 18 else None,
                        "collection": "制证约需7个工作日，制成后邮寄至申请地址",
                    },
                ),
                Step(
                    "completed",
                    "证件已寄出",
                    {"express": "EMS", "tracking_number": f"11{_digits(application['number'], 11)}"},
                ),
            ]
        missing = _needs_material(
            application, Step("more_material_needed", "请补充上传户口簿首页及本人页、准迁审批材料")
        )
        if missing is not None:
            return missing
        return [
            Step("accepted", "已受理户口迁入申请", pause=0.5),
            Step("in_review", "派出所审核中"),
            Step("approved", "准予迁入", {"permit_number": f"深准迁字{_digits(application['number'], 10)}"}),
            Step("completed", "户口迁入已办结，请到户籍窗口领取户口簿"),
        ]


class MarketRegulation(Behaviour):
    """市市场监督管理局: enterprise and sole-proprietor registration (instant), deregistration within a day."""

    receipt_prefix = "SC"
    name = "market-regulation"

    def plan(self, application: dict[str, Any]) -> list[Step]:
        code = application["item_code"]
        if code.startswith(("010300001", "010300008")):
            credit_code = _credit_code(application["number"])
            return [
                Step("accepted", "已受理设立登记申请", pause=0),
                Step(
                    "approved",
                    "核准设立登记（秒批）",
                    {"credit_code": credit_code, "licence": "电子营业执照已发放至 i深圳 卡包"},
                    pause=0,
                ),
                Step("completed", "营业执照已签发"),
            ]
        if code.startswith("010300023"):
            return [
                Step("accepted", "已受理注销登记申请", pause=0.5),
                Step("in_review", "公示期核查中（承诺一个工作日内办结）"),
                Step("approved", "准予注销登记"),
                Step("completed", "注销登记已办结"),
            ]
        return super().plan(application)

    def query(self, name: str, user: str, params: dict[str, str]) -> QueryAnswer | None:
        if name != "business-registration-status":
            return None
        credit_code = params.get("credit_code", "")
        if len(credit_code) != 18 or not credit_code.isalnum():
            return QueryAnswer(400, {"error": "invalid_credit_code", "message": "统一社会信用代码应为18位"})
        state = ["存续", "存续", "存续", "吊销", "注销"][int(_digits(credit_code, 2)) % 5]
        return QueryAnswer(
            200,
            {
                "credit_code": credit_code.upper(),
                "registration_status": state,
                "registered_on": f"20{10 + int(_digits(credit_code, 1))}-0{1 + int(_digits(credit_code, 1)) % 9}-15",
                "registration_authority": "深圳市市场监督管理局",
            },
            "private, max-age=60",
        )


class HumanResources(Behaviour):
    """市人力资源和社会保障局: talent intake (应届毕业生接收, 在职人才引进 …: 秒批) and social insurance records."""

    receipt_prefix = "RS"
    name = "human-resources"
    _AGE_LIMIT = {"070120001": 35, "070120002": 45, "070120003": 40, "070120004": 45}

    def plan(self, application: dict[str, Any]) -> list[Step]:
        code = application["item_code"]
        limit = self._AGE_LIMIT.get(code[:9])
        if limit is None:
            return super().plan(application)
        age = _age(application["applicant"].get("id_number", ""))
        if age is None or age > limit:
            return [
                Step("accepted", "已受理人才引进申请", pause=0),
                Step(
                    "rejected",
                    f"申请人年龄不符合条件（不超过{limit}周岁）",
                    {"rule": f"age<={limit}"},
                    pause=0,
                ),
            ]
        return [
            Step("accepted", "已受理人才引进申请", pause=0),
            Step(
                "approved",
                "符合条件，系统自动审批通过（秒批）",
                {
                    "intake_letter": f"深人社接字〔{dt.date.today().year}〕{_digits(application['number'], 6)}号"
                },
                pause=0,
            ),
            Step("completed", "接收函已发放，可办理户口迁入"),
        ]

    def query(self, name: str, user: str, params: dict[str, str]) -> QueryAnswer | None:
        if name != "social-insurance-contributions":
            return None
        months = max(1, min(int(params.get("months", "12") or 12), 36))
        today = dt.datetime.now(CHINA).date().replace(day=1)
        base = 5000 + int(_digits(user, 4)) % 20000
        records = []
        for back in range(months):
            year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
            records.append(
                {
                    "month": f"{year}-{month + 1:02d}",
                    "base": base,
                    "pension": round(base * 0.08, 2),
                    "medical": round(base * 0.02, 2),
                    "unemployment": round(base * 0.003, 2),
                    "paid": True,
                }
            )
        return QueryAnswer(200, {"insured_city": "深圳", "records": records}, "private, max-age=300")


class Transport(Behaviour):
    """市交通运输局: ride-hailing driver licence (网约车驾驶员证) with age and background checks."""

    receipt_prefix = "JT"
    name = "transport"

    def plan(self, application: dict[str, Any]) -> list[Step]:
        if not application["item_code"].startswith("010200001"):
            return super().plan(application)
        age = _age(application["applicant"].get("id_number", ""))
        if age is None or not 21 <= age <= 60:
            return [
                Step("accepted", "已受理网约车驾驶员证申请", pause=0.5),
                Step("rejected", "申请人年龄须在21至60周岁之间", {"rule": "21<=age<=60"}),
            ]
        return [
            Step("accepted", "已受理网约车驾驶员证申请", pause=0.5),
            Step("in_review", "背景核查中（驾驶记录、犯罪记录）"),
            Step(
                "approved",
                "考核合格，准予核发",
                {"licence_number": f"4403{_digits(application['number'], 14)}", "valid_years": 6},
            ),
            Step("completed", "网约车驾驶员证已发放至 i深圳 卡包"),
        ]


class CivilAffairs(Behaviour):
    """市民政局: elderly allowance (老龄津贴, by age band) and marriage registration (appointments)."""

    receipt_prefix = "MZ"
    name = "civil-affairs"

    def plan(self, application: dict[str, Any]) -> list[Step]:
        code = application["item_code"]
        if code.startswith("050080007"):
            age = _age(application["applicant"].get("id_number", ""))
            if age is None or age < 70:
                return [
                    Step("accepted", "已受理老龄津贴申请", pause=0),
                    Step(
                        "rejected", "申请人未满70周岁，暂不符合老龄津贴发放条件", {"rule": "age>=70"}, pause=0
                    ),
                ]
            monthly = 200 if age < 80 else 300 if age < 90 else 500 if age < 100 else 1000
            return [
                Step("accepted", "已受理老龄津贴申请", pause=0),
                Step(
                    "approved",
                    f"符合条件，每月发放老龄津贴{monthly}元（秒批）",
                    {"monthly_amount": monthly},
                    pause=0,
                ),
                Step("completed", "已纳入发放名单，次月起按月发放"),
            ]
        if code.startswith("070080001"):
            day = dt.datetime.now(CHINA).date() + dt.timedelta(days=7)
            return [
                Step("accepted", "已受理结婚登记预约", pause=0.5),
                Step(
                    "approved",
                    "预约成功，请双方携带身份证、户口簿按时到场",
                    {
                        "appointment": f"{day.isoformat()} 09:30",
                        "office": "深圳市婚姻登记处",
                    },
                ),
            ]
        return super().plan(application)


def _credit_code(seed: str) -> str:
    """A valid unified social credit code (GB 32100-2015 check character), stable for the application."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    body = "91440300" + "".join(alphabet[int(c) % 31] for c in _digits(seed, 9)) + ""
    body = body[:17].ljust(17, "0")
    total = sum(alphabet.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + alphabet[(31 - total % 31) % 31]


class GenericQueries(Behaviour):
    """Generic flow, plus the read-only queries of departments that are not simulated in depth."""

    def query(self, name: str, user: str, params: dict[str, str]) -> QueryAnswer | None:
        if name == "housing-fund-balance":
            balance = int(_digits(user, 6)) / 10
            return QueryAnswer(
                200,
                {
                    "account_masked": f"****{_digits(user, 4)}",
                    "balance": balance,
                    "monthly_deposit": round(500 + balance % 3000, 2),
                    "status": "正常缴存",
                },
                "private, max-age=120",
            )
        if name == "vehicle-violations":
            plate = params.get("plate", "")
            if not plate:
                return QueryAnswer(400, {"error": "plate_required", "message": "请提供车牌号"})
            count = int(_digits(user + plate, 1)) % 4
            return QueryAnswer(
                200,
                {
                    "plate": plate,
                    "violations": [
                        {
                            "occurred_at": f"2026-0{i + 1}-1{i} 08:3{i}",
                            "place": "深南大道",
                            "points": 3,
                            "fine": 200,
                            "handled": i % 2 == 0,
                        }
                        for i in range(count)
                    ],
                },
                "no-store",
            )
        return None


_IN_DEPTH: dict[str, Callable[[str], Behaviour]] = {
    "public-security": PublicSecurity,
    "market-regulation": MarketRegulation,
    "human-resources": HumanResources,
    "transport": Transport,
    "civil-affairs": CivilAffairs,
}


def behaviour_for(slug: str, department_code: str) -> Behaviour:
    return _IN_DEPTH.get(slug, GenericQueries)(department_code)
