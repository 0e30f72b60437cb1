"""The scopes the provider knows: what each means in plain words, and the assurance level each needs.

``MIN_LEVEL`` is the one table of minimum assurance levels: the API guard (``requires``) refuses a token whose
``acr`` is below the level of any scope it checks, and the consent page says what each scope allows.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "ACR_VALUES",
    "AGENT_SCOPES",
    "DESCRIPTIONS",
    "MIN_LEVEL",
    "SCOPES",
    "level_of",
    "min_level_for",
    "requested_level",
]

SCOPES = [
    "openid",
    "profile",
    "phone",
    "offline_access",
    "enterprise",
    "applications:submit",
    "registry:write",
    "applications:update",
    "registry:review",
    "ops:dead-letters",
    "licences",
]
ACR_VALUES = ("L1", "L2", "L3")

# (中文, English): shown on the consent page.
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "openid": ("确认您的 i深圳 账户身份", "Confirm who you are with your i Shenzhen account"),
    "profile": ("读取您的姓名和实名认证等级", "See your name and real-name assurance level"),
    "phone": ("读取您的手机号码", "See your mobile number"),
    "offline_access": ("在您离开后继续访问（长期授权）", "Keep access while you are away (long-lived)"),
    "enterprise": ("以您代表的企业身份办事", "Act for an enterprise you represent"),
    "applications:submit": ("以您的名义提交办事申请", "Submit applications in your name"),
    "registry:write": ("修改事项登记信息（部门系统）", "Change the item registry (department systems)"),
    "applications:update": ("更新办件状态（部门系统）", "Update applications (department systems)"),
    "registry:review": (
        "审核事项登记（市政务服务数据管理局）",
        "Review the item registry (the city's data bureau)",
    ),
    "licences": ("读取您（或您代表的企业）的电子证照", "See your e-licences (or your enterprise's)"),
    "ops:dead-letters": (
        "查看并重新投递未能送达的办件（运维）",
        "See and re-queue applications that could not be delivered (operations)",
    ),
}

# Scopes that need more than a verified phone (L1): e.g. submitting applications needs a verified real name.
MIN_LEVEL: dict[str, int] = {"applications:submit": 2, "licences": 2}

# What a legal representative may let an agent (经办人) do for the enterprise.
AGENT_SCOPES = frozenset({"applications:submit", "licences"})


def level_of(acr: object) -> int:
    """0 for a missing or unknown ``acr`` ("L1".."L3" otherwise)."""
    return ACR_VALUES.index(acr) + 1 if acr in ACR_VALUES else 0


def min_level_for(scopes: Iterable[str]) -> int:
    return max((MIN_LEVEL.get(scope, 0) for scope in scopes), default=0)


def requested_level(acr_values: str | None) -> int:
    """The level an ``acr_values`` request asks for: the lowest listed level we know (any of them will do);
    unknown values are ignored, as OIDC Core §3.1.2.1 allows; 0 when nothing is asked."""
    levels = [level_of(value) for value in (acr_values or "").split()]
    return min((level for level in levels if level), default=0)
