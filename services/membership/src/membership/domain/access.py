"""Who may do what, decided from the caller's current memberships (read from the database, not the token).

A member reaches their own data; an association admin reaches that association and its members; a
federation admin manages associations but holds no association role (and so reads no health data)
unless they are also an admin there.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID

from membership.domain.accounts import DATA_PROTECTION_OFFICER, FEDERATION_ADMIN
from membership.domain.memberships import Membership
from shared.contracts.membership import Role
from shared.errors import Forbidden


@dataclass(frozen=True)
class Actor:
    """The authenticated caller with their roles as of now."""

    member_id: UUID
    federation_roles: list[str] = field(default_factory=list)
    memberships: dict[UUID, Membership] = field(default_factory=dict)
    today: date = field(default_factory=lambda: datetime.now(UTC).date())

    def has_role(self, association_id: UUID, role: Role) -> bool:
        membership = self.memberships.get(association_id)
        return membership is not None and membership.has_role(role, self.today)

    @property
    def is_federation_admin(self) -> bool:
        return FEDERATION_ADMIN in self.federation_roles

    def require_admin_of(self, association_id: UUID) -> None:
        if not self.has_role(association_id, "admin"):
            raise Forbidden("only an admin of this association may do this")

    def require_data_protection_officer(self) -> None:
        if DATA_PROTECTION_OFFICER not in self.federation_roles:
            raise Forbidden("only the federation's data-protection officer may erase a person for them")

    def require_not_granting_to_self(self, member_id: UUID, granted: AbstractSet[str]) -> None:
        """Nobody grants a role to themselves (giving one up is fine): another admin must."""
        if member_id == self.member_id and granted:
            raise Forbidden(
                f"nobody grants a role to themselves ({', '.join(sorted(granted))}); ask another admin to do it"
            )

    def require_federation_admin(self) -> None:
        if not self.is_federation_admin:
            raise Forbidden("only a federation admin may do this")

    def require_admin_or_federation_admin(self, association_id: UUID) -> None:
        if not (self.is_federation_admin or self.has_role(association_id, "admin")):
            raise Forbidden("only an admin of this association or a federation admin may do this")

    def token_roles(self) -> dict[str, list[str]]:
        """Roles per active association, as they go into access tokens for the other services."""
        return {
            str(association_id): list(m.roles)
            for association_id, m in self.memberships.items()
            if m.is_active(self.today)
        }
