"""How a membership reads over HTTP, wherever it appears (a join, /me, an admin's member list)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from membership.domain.memberships import Membership, Status
from shared.contracts.membership import Role


class MembershipRead(BaseModel):
    member_id: UUID
    association_id: UUID
    roles: list[Role]
    status: Status
    requested_at: datetime
    joined_at: datetime | None
    left_at: datetime | None
    renewed_on: date | None
    expires_on: date | None

    @staticmethod
    def fields(membership: Membership, today: date) -> dict[str, Any]:
        """The membership's fields, with the status as of `today`."""
        m = membership
        return {
            "member_id": m.member_id,
            "association_id": m.association_id,
            "roles": m.roles,
            "status": m.status(today),
            "requested_at": m.requested_at,
            "joined_at": m.joined_at,
            "left_at": m.left_at,
            "renewed_on": m.renewed_on,
            "expires_on": m.expires_on,
        }

    @classmethod
    def of(cls, membership: Membership, today: date) -> MembershipRead:
        return cls(**cls.fields(membership, today))
