"""Payloads owned by membership: `membership.member.v1` (pseudonymous) and `membership.contact.v1` (personal).

Two kinds of facts travel on `membership.member.v1`, both keyed by the member id:

- *membership facts* belong to one association (the envelope's tenant): joined, left, erased, and the
  mentor lifecycle (approved, paused, resumed, capacity changed);
- *person facts* are federation-wide (no tenant): profile, conditions, availability and consent changes.
  Membership publishes them only for people other services already know (joined somewhere).

`member.joined` carries a full snapshot of the person, so a consumer that starts from it needs nothing
else. Health conditions travel as ICD-10 codes only; names and e-mail travel only on the contact topic.
"""

from __future__ import annotations

from datetime import time
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.envelope import MessageData
from shared.contracts.topics import Topic

Icd10Code = str  # e.g. "G43.1"; coded values only, never free text
Role = Literal["member", "mentor", "hcp", "moderator", "admin"]
Gender = Literal["female", "male", "non_binary", "other"]
ConsentKind = Literal["health_data", "peer_matching", "federation_matching", "email"]
Modality = Literal["video", "phone", "chat"]


class AvailabilityWindow(BaseModel):
    """A weekly window in the member's own time zone: weekday 0 = Monday; `end` is exclusive, 00:00 = midnight."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    weekday: int = Field(ge=0, le=6)
    start: time
    end: time


class MemberMessage(MessageData):
    """A fact about one person's membership of one association."""

    topic: ClassVar[Topic] = Topic.MEMBER
    member_id: UUID
    association_id: UUID

    def subject(self) -> str:
        return str(self.member_id)


class PersonMessage(MessageData):
    """A federation-wide fact about a person (no tenant)."""

    topic: ClassVar[Topic] = Topic.MEMBER
    member_id: UUID

    def subject(self) -> str:
        return str(self.member_id)


class MemberJoined(MemberMessage):
    event_type: ClassVar[str] = "member.joined"
    event_version: ClassVar[int] = 1
    protected: ClassVar[frozenset[str]] = frozenset(
        {"conditions", "diagnosed_in", "availability", "birth_year", "gender"}
    )
    roles: list[Role] = Field(default_factory=lambda: list[Role](["member"]))
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes")
    time_zone: str = Field(description="IANA time zone, e.g. Europe/Paris")
    conditions: list[Icd10Code] = Field(default_factory=list, description="ICD-10 codes")
    is_caregiver: bool = False
    diagnosed_in: dict[Icd10Code, int] = Field(default_factory=dict, description="year of diagnosis per code")
    birth_year: int | None = None
    gender: Gender | None = None
    availability: list[AvailabilityWindow] = Field(default_factory=list)
    consents: list[ConsentKind] = Field(default_factory=list, description="consents granted at joining")
    federation_matching_allowed: bool = Field(
        default=False, description="whether the association lets its members be matched across the federation"
    )
    wants_mentor: bool = Field(default=False, description="the person asked for a mentor when joining")


class MemberLeft(MemberMessage):
    event_type: ClassVar[str] = "member.left"
    event_version: ClassVar[int] = 1


class MemberErased(MemberMessage):
    """The person is gone for good: forget everything about them. Sent once per association they were in."""

    event_type: ClassVar[str] = "member.erased"
    event_version: ClassVar[int] = 1


class RolesChanged(MemberMessage):
    """A member's roles in the association changed; its admins are told (`admin_ids`, after the change)."""

    event_type: ClassVar[str] = "member.roles_changed"
    event_version: ClassVar[int] = 1
    roles: list[Role]
    changed_by: UUID | None = Field(default=None, description="the admin or federation admin who changed them")
    admin_ids: list[UUID] = Field(default_factory=list, description="the association's admins, to be told")


class ProfileUpdated(PersonMessage):
    event_type: ClassVar[str] = "member.profile_updated"
    event_version: ClassVar[int] = 1
    protected: ClassVar[frozenset[str]] = frozenset({"birth_year", "gender"})
    languages: list[str] = Field(description="ISO 639-1 codes")
    time_zone: str
    is_caregiver: bool
    birth_year: int | None = None
    gender: Gender | None = None


class ConditionsChanged(PersonMessage):
    event_type: ClassVar[str] = "member.conditions_changed"
    event_version: ClassVar[int] = 1
    protected: ClassVar[frozenset[str]] = frozenset({"conditions", "diagnosed_in"})
    conditions: list[Icd10Code]
    diagnosed_in: dict[Icd10Code, int] = Field(default_factory=dict, description="year of diagnosis per code")


class AvailabilityChanged(PersonMessage):
    event_type: ClassVar[str] = "member.availability_changed"
    event_version: ClassVar[int] = 1
    protected: ClassVar[frozenset[str]] = frozenset({"availability"})
    time_zone: str
    availability: list[AvailabilityWindow]


class ConsentChanged(PersonMessage):
    event_type: ClassVar[str] = "member.consent_changed"
    event_version: ClassVar[int] = 1
    kind: ConsentKind
    granted: bool
    version: str


class MentorApproved(MemberMessage):
    event_type: ClassVar[str] = "mentor.approved"
    event_version: ClassVar[int] = 1
    protected: ClassVar[frozenset[str]] = frozenset({"conditions", "diagnosed_in"})
    conditions: list[Icd10Code] = Field(description="conditions this mentor mentors for")
    diagnosed_in: dict[Icd10Code, int] = Field(default_factory=dict, description="year of diagnosis per code")
    capacity: int = Field(ge=1, le=5)
    modalities: list[Modality]


class MentorPaused(MemberMessage):
    event_type: ClassVar[str] = "mentor.paused"
    event_version: ClassVar[int] = 1


class MentorResumed(MemberMessage):
    event_type: ClassVar[str] = "mentor.resumed"
    event_version: ClassVar[int] = 1


class MentorCapacityChanged(MemberMessage):
    event_type: ClassVar[str] = "mentor.capacity_changed"
    event_version: ClassVar[int] = 1
    capacity: int = Field(ge=1, le=5)


class ContactUpdated(MessageData):
    """Personal data: travels only on the compacted contact topic, read by notifications only.

    An erased member's key gets a tombstone (a record with no value).
    """

    topic: ClassVar[Topic] = Topic.CONTACT
    event_type: ClassVar[str] = "contact.updated"
    event_version: ClassVar[int] = 1
    protected: ClassVar[frozenset[str]] = frozenset({"display_name", "email"})
    member_id: UUID
    association_id: UUID = Field(description="the association the person first joined")
    display_name: str
    email: str
    locale: str = "en"

    def subject(self) -> str:
        return str(self.member_id)


class SessionsRevoked(PersonMessage):
    """The person's access tokens issued up to `revoked_at` are no longer accepted anywhere: they logged out
    or reset their password (they log in again), or lost a role or a membership (a refresh gives a token with
    what they still hold)."""

    event_type: ClassVar[str] = "member.sessions_revoked"
    event_version: ClassVar[int] = 1
    revoked_at: AwareDatetime


class AccountMail(MessageData):
    """An e-mail about the account itself, asked of notifications: a sign-in code, a password-reset link, an
    invitation, a warning that someone tried to register the address. Sent whatever the person's consents,
    preferences and quiet hours (it is what they asked for, or about their account's safety).

    Travels only on `membership.account.v1`, read by notifications only, kept 40 minutes (the codes and links
    it carries expire sooner), and deleted from membership's outbox as soon as it is published. It carries
    the address itself: the person may not have joined an association, so no contact record is known yet.
    """

    topic: ClassVar[Topic] = Topic.ACCOUNT
    member_id: UUID
    email: str
    locale: str = "en"
    time_zone: str = Field(default="UTC", description="IANA time zone the e-mail shows times in")

    def subject(self) -> str:
        return str(self.member_id)


class SignInCodeIssued(AccountMail):
    """A one-time sign-in code the person asked for (instead of their password)."""

    event_type: ClassVar[str] = "account.sign_in_code_issued"
    event_version: ClassVar[int] = 1
    code: str = Field(description="the one-time code; useless after `expires_at` or once used")
    expires_at: AwareDatetime


class PasswordResetRequested(AccountMail):
    """A single-use link to choose a new password."""

    event_type: ClassVar[str] = "account.password_reset_requested"
    event_version: ClassVar[int] = 1
    token: str = Field(description="the link's one-time token; useless after `expires_at` or once used")
    expires_at: AwareDatetime


class RegistrationAttempted(AccountMail):
    """Someone registered with an address that already has an account: its owner is told (the registration
    itself answers the same as for a new address, so it reveals nothing)."""

    event_type: ClassVar[str] = "account.registration_attempted"
    event_version: ClassVar[int] = 1


class InvitationIssued(AccountMail):
    """An association admin invited this address (by import): a link to accept, and for a new account to
    choose a password. Nothing is linked to the association until the owner accepts."""

    event_type: ClassVar[str] = "account.invited"
    event_version: ClassVar[int] = 1
    association_name: str
    token: str = Field(description="the invitation's one-time token; useless after `expires_at` or once used")
    expires_at: AwareDatetime
    new_account: bool = Field(description="whether accepting also sets the account's first password")
