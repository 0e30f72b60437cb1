"""Department systems: the directory of where they live and the one HTTP client that talks to them."""

from ishenzhen.departments.breaker import BreakerState, CircuitBreaker
from ishenzhen.departments.budget import RetryBudget
from ishenzhen.departments.client import DepartmentClient
from ishenzhen.departments.directory import (
    DepartmentDirectory,
    DepartmentEntry,
    DepartmentState,
    DirectoryError,
    QueryEndpoint,
)
from ishenzhen.departments.schemas import DeliveryResult, ErrorSource, OutboundRequest, QueryResult

__all__ = [
    "BreakerState",
    "CircuitBreaker",
    "DeliveryResult",
    "DepartmentClient",
    "DepartmentDirectory",
    "DepartmentEntry",
    "DepartmentState",
    "DirectoryError",
    "ErrorSource",
    "OutboundRequest",
    "QueryEndpoint",
    "QueryResult",
    "RetryBudget",
]
