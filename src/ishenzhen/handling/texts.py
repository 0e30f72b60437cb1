"""What the citizen reads about a status (inbox titles, timeline rows written by the gateway)."""

from __future__ import annotations

__all__ = ["STATUS_LABELS", "status_message"]

STATUS_LABELS: dict[str, str] = {
    "submitted": "已提交",
    "delivered": "已送达办理部门",
    "accepted": "已受理",
    "in_review": "审查中",
    "more_material_needed": "需补正材料",
    "approved": "已批准",
    "rejected": "不予批准",
    "completed": "已办结",
    "withdrawn": "已撤回",
    "delivery_failed": "未能送达办理部门",
}


def status_message(status: str) -> str:
    return STATUS_LABELS.get(status, status)
