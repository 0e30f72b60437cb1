"""What the citizen reads about a status (inbox titles, timeline rows written by the gateway)."""

from __future__ import annotations

__all__ = ["STATUS_LABELS", "STATUS_LABELS_EN", "status_message", "status_message_en"]

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


# The same in English, for messages the gateway can write in both languages (an instant decision's).
STATUS_LABELS_EN: dict[str, str] = {
    "submitted": "submitted",
    "delivered": "delivered to the department",
    "accepted": "accepted",
    "in_review": "under review",
    "more_material_needed": "more material needed",
    "approved": "approved",
    "rejected": "not approved",
    "completed": "completed",
    "withdrawn": "withdrawn",
    "delivery_failed": "not delivered to the department",
}


def status_message_en(status: str) -> str:
    return STATUS_LABELS_EN.get(status, status)
