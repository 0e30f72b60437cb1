"""Who is calling, and what they may do: departments touch their own items, reviewers review every item."""

from __future__ import annotations

from dataclasses import dataclass

from ishenzhen.errors import PermissionDenied
from ishenzhen.identity import Principal

__all__ = ["IMPORT", "REVIEW_SCOPE", "SCHEDULER", "WRITE_SCOPE", "Actor"]

WRITE_SCOPE = "registry:write"
REVIEW_SCOPE = "registry:review"


@dataclass(frozen=True, slots=True)
class Actor:
    """Recorded in the audit trail: the token's subject (a department client's id), client and department."""

    name: str
    client_id: str | None = None
    department: str | None = None
    scopes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        department = principal.claims.get("department")
        return cls(
            name=principal.sub,
            client_id=principal.client_id,
            department=department if isinstance(department, str) else None,
            scopes=principal.scopes,
        )

    @property
    def is_reviewer(self) -> bool:
        return REVIEW_SCOPE in self.scopes

    def require_writer(self, department: str) -> None:
        """A department system changing an item of its own department."""
        if WRITE_SCOPE not in self.scopes:
            raise PermissionDenied(f"this needs scope {WRITE_SCOPE}")
        if self.department is None:
            raise PermissionDenied(
                "the access token names no department: only department systems register items"
            )
        if self.department != department:
            raise PermissionDenied(
                f"items of department {department!r} belong to that department; "
                f"your token is for {self.department!r}"
            )

    def require_reader(self, department: str | None) -> None:
        """Reviewers read every department; a department system reads its own."""
        if self.is_reviewer:
            return
        if department is None:
            raise PermissionDenied(f"name a department, or use a token with scope {REVIEW_SCOPE}")
        self.require_writer(department)

    def require_reviewer(self) -> None:
        if not self.is_reviewer:
            raise PermissionDenied(f"this needs scope {REVIEW_SCOPE} (市政务服务数据管理局 reviewers)")


# Actors that are not tokens: the scheduler publishing a due version, and the bulk import of the source files.
SCHEDULER = Actor(name="scheduler")
IMPORT = Actor(name="import")
