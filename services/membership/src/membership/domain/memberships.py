"""A person's membership of an association: lifecycle, roles, and the status a reader sees.

pending (the association approves joiners) → active → left. An active membership whose
`expires_on` has passed reads as `expired`: the status is computed when read, so no scheduled job
has to flip it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from shared.contracts.membership import Role

StoredStatus = Literal["pending", "active", "left"]
Status = Literal["pending", "active", "expired", "left"]
ROLES: tuple[Role, ...] = ("member", "mentor", "hcp", "moderator", "admin")


@dataclass(frozen=True)
class Membership:
    member_id: UUID
    association_id: UUID
    roles: list[Role]
    stored_status: StoredStatus
    requested_at: datetime
    joined_at: datetime | None
    left_at: datetime | None
    renewed_on: date | None
    expires_on: date | None
    wants_mentor: bool = False

    def status(self, today: date) -> Status:
        if self.stored_status == "active" and self.expires_on is not None and self.expires_on < today:
            return "expired"
        return self.stored_status

    def is_active(self, today: date) -> bool:
        return self.status(today) == "active"

    def has_role(self, role: Role, today: date) -> bool:
        return self.is_active(today) and role in self.roles

    @property
    def announced(self) -> bool:
        """Other services have heard of this membership (it became active at least once)."""
        return self.joined_at is not None


def check_roles(roles: Iterable[str]) -> list[Role]:
    """Roles of one membership, in canonical order; every member keeps the `member` role."""
    given = list(roles)
    if unknown := [role for role in given if role not in ROLES]:
        raise ValueError(f"unknown role(s) {', '.join(map(repr, unknown))}; use {', '.join(ROLES)}")
    if len(set(given)) != len(given):
        raise ValueError("list each role once")
    if "member" not in given:
        raise ValueError("every member keeps the 'member' role; add it to the list")
    return [role for role in ROLES if role in given]
