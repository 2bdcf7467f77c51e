"""Payloads owned by membership: `membership.member.v1` (pseudonymous) and `membership.contact.v1` (personal)."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.envelope import MessageData
from shared.contracts.topics import Topic

Icd10Code = str  # e.g. "G43.1"; coded values only, never free text
Role = Literal["member", "mentor", "hcp", "admin"]


class MemberMessage(MessageData):
    topic: ClassVar[Topic] = Topic.MEMBER
    member_id: UUID
    association_id: UUID

    def subject(self) -> str:
        return str(self.member_id)


class MemberJoined(MemberMessage):
    event_type: ClassVar[str] = "member.joined"
    event_version: ClassVar[int] = 1
    roles: list[Role] = Field(default_factory=lambda: list[Role](["member"]))
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes")
    time_zone: str = Field(description="IANA time zone, e.g. Europe/Paris")
    conditions: list[Icd10Code] = Field(default_factory=list, description="ICD-10 codes")
    is_caregiver: bool = False


class MemberLeft(MemberMessage):
    event_type: ClassVar[str] = "member.left"
    event_version: ClassVar[int] = 1


class MemberErased(MemberMessage):
    event_type: ClassVar[str] = "member.erased"
    event_version: ClassVar[int] = 1


class ContactUpdated(MessageData):
    """Personal data: travels only on the compacted contact topic, read by notifications only."""

    topic: ClassVar[Topic] = Topic.CONTACT
    event_type: ClassVar[str] = "contact.updated"
    event_version: ClassVar[int] = 1
    member_id: UUID
    association_id: UUID
    display_name: str
    email: str
    locale: str = "en"

    def subject(self) -> str:
        return str(self.member_id)
