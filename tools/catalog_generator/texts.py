"""The Chinese prose of a handling guide: conditions, results, visit reasons, FAQ, search keywords."""

from __future__ import annotations

import random

from ishenzhen.catalog.model import Audience, Faq, ItemType, Result, ResultType

__all__ = ["KEYWORDS", "acceptance_conditions", "default_result", "faq", "result_name", "visit_reason"]

# Words citizens type for what the official names spell out; the search index reads these too.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("社会保险", ("社保",)),
    ("住房公积金", ("公积金",)),
    ("居民身份证", ("身份证",)),
    ("网络预约出租汽车", ("网约车",)),
    ("企业设立登记", ("营业执照", "开公司", "注册公司")),
    ("个体工商户设立登记", ("营业执照", "个体户")),
    ("企业注销", ("公司注销",)),
    ("机动车驾驶证", ("驾照", "驾驶证")),
    ("往来港澳通行证", ("港澳通行证",)),
    ("基本医疗保险", ("医保",)),
    ("最低生活保障", ("低保",)),
    ("义务教育阶段学位申请", ("学位申请", "入学")),
    ("深圳经济特区居住证", ("居住证",)),
    ("小客车增量指标", ("摇号", "车牌指标")),
)

_PERSON_CONDITIONS = (
    "申请人为具有完全民事行为能力的自然人；无民事行为能力或限制民事行为能力的，由其监护人代为申请",
    "申请人在本市登记常住户口，或持有有效的《深圳经济特区居住证》",
    "申请人已通过“i深圳”统一身份认证完成实名认证",
    "申请材料齐全、真实、有效，符合法定形式",
)
_LEGAL_CONDITIONS = (
    "申请人为依法登记设立的企业、事业单位、社会组织或其他组织",
    "申请人未被列入严重违法失信名单",
    "申请单位已通过法人数字证书或“i深圳”法人账号完成身份认证",
    "申请材料齐全、真实、有效，符合法定形式",
)
_VISIT_REASONS = (
    "需现场核验原件",
    "需本人到场签字确认",
    "需现场勘验核查",
    "需现场领取纸质证照",
    "需现场缴纳费用并领取票据",
)
_RESULT_ACTIONS = ("核发", "换证", "补证", "补办", "变更", "延续")


def acceptance_conditions(audience: Audience, specific: str | None, rng: random.Random) -> list[str]:
    pool = _LEGAL_CONDITIONS if audience == "legal_person" else _PERSON_CONDITIONS
    chosen = [pool[0], pool[rng.randrange(1, len(pool))]]
    return [*chosen, specific] if specific else chosen


def result_name(template: str, fill: str) -> str:
    """A result written as ``{}`` is the licence the kind issues: the fill without its action verb."""
    if "{}" not in template:
        return template
    licence = fill
    for action in _RESULT_ACTIONS:
        licence = licence.removesuffix(action)
    return template.format(licence)


_DEFAULT_RESULTS: dict[ItemType, tuple[str, ResultType]] = {
    "licence": ("准予行政许可决定书", "approval_letter"),
    "benefit": ("待遇核定及发放通知", "payment"),
    "confirmation": ("确认结果通知书", "notice"),
    "reward": ("奖励（认定）决定书", "approval_letter"),
    "ruling": ("裁决书", "approval_letter"),
    "levy": ("完税（缴费）凭证", "payment"),
    "public_service": ("办理结果告知书", "notice"),
    "other": ("办理结果告知书", "notice"),
}


def default_result(item_type: ItemType, name: str) -> Result:
    if name.endswith(("登记", "备案")) and item_type in ("confirmation", "other"):
        return Result(name=f"{name}回执", type="registration")
    result, kind = _DEFAULT_RESULTS[item_type]
    return Result(name=result, type=kind)


def visit_reason(specific: str | None, rng: random.Random) -> str:
    return specific or rng.choice(_VISIT_REASONS)


def faq(
    name: str, promised: int, statutory: int, instant: bool, phone: bool, charged: bool, rng: random.Random
) -> list[Faq]:
    if instant:
        timing = "本事项已实现“秒批”：系统按规则自动审批，提交后即时出结果，无需等待人工审核。"
    elif promised == 0:
        timing = "本事项为即办件，材料齐全、符合法定形式的，当场办结。"
    else:
        timing = f"承诺{promised}个工作日内办结（法定时限{statutory}个工作日）。"
    answers = [
        Faq(question=f"办理“{name}”需要多长时间？", answer=timing),
        Faq(
            question="可以在手机上办理吗？",
            answer=f"可以。登录“i深圳”APP，搜索“{name}”，按提示全程掌上办理，无需到现场。"
            if phone
            else "可在“i深圳”APP查看办事指南并预约，按预约时间携带材料到窗口办理。",
        ),
        Faq(
            question="办理需要收费吗？",
            answer="按收费标准缴纳，可在“i深圳”APP在线支付。" if charged else "不收费。",
        ),
        Faq(
            question="可以委托他人代办吗？",
            answer="可以。代办人需提供本人有效身份证件和申请人签署的授权委托书。",
        ),
    ]
    return [answers[0], answers[rng.randrange(1, len(answers))]]
