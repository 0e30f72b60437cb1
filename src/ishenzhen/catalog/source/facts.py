"""The source article's figures and named items: what the validator checks the catalogue against.

The synthetic generator (``tools/catalog_generator``) aims at the same figures, so both read them from here.
"""

from __future__ import annotations

__all__ = ["DEREGISTRATION", "NAMED_INSTANT_APPROVALS", "Targets"]

# The instant-approval (秒批) items the source article names, under the names the portal uses.
NAMED_INSTANT_APPROVALS: tuple[str, ...] = (
    "应届毕业生接收",
    "在职人才引进",
    "博士后引进",
    "留学回国人员引进",
    "企业设立登记",
    "社会投资项目备案",
    "网络预约出租汽车驾驶员证核发",
    "个体工商户设立登记",
    "老龄津贴发放",
    "企业注销登记",
)
# The article: enterprise deregistration is done within one working day.
DEREGISTRATION = "企业注销登记"


class Targets:
    """The article's figures (FACTS.md), multiplied by ``scale`` for the scale benchmark's catalogue."""

    ITEMS = 7_484
    INSTANT_APPROVALS = 200
    DEPARTMENTS = 68
    DISTRICTS = 10
    # Share of items that can be handled entirely on the phone, per audience.
    PHONE_SHARE_NATURAL_PERSON = 0.95
    PHONE_SHARE_LEGAL_PERSON = 0.60

    def __init__(self, scale: int = 1) -> None:
        if scale < 1:
            raise ValueError("scale is a positive integer")
        self.scale = scale
        self.items = self.ITEMS * scale
        self.instant_approvals = self.INSTANT_APPROVALS * scale
