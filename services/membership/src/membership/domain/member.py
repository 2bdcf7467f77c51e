"""A person joining an association: what membership knows and what it tells other services."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from shared.contracts.membership import ContactUpdated, MemberJoined


@dataclass(frozen=True)
class JoinMember:
    """Command: a person joins an association."""

    member_id: UUID
    association_id: UUID
    display_name: str
    email: str
    locale: str
    time_zone: str
    languages: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=lambda: ["member"])
    is_caregiver: bool = False

    def joined(self) -> MemberJoined:
        """The pseudonymous fact for other services: ids, codes, languages, no names."""
        return MemberJoined(
            member_id=self.member_id,
            association_id=self.association_id,
            roles=self.roles,  # type: ignore[arg-type]
            languages=self.languages,
            time_zone=self.time_zone,
            conditions=self.conditions,
            is_caregiver=self.is_caregiver,
        )

    def contact(self) -> ContactUpdated:
        """The personal details, for notifications only."""
        return ContactUpdated(
            member_id=self.member_id,
            association_id=self.association_id,
            display_name=self.display_name,
            email=self.email,
            locale=self.locale,
        )
