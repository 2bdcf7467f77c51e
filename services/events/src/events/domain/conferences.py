"""A conference or peer support circle, and its life-cycle: draft → published → (rescheduled | cancelled) →
held → materials published. Only a published event, not yet started, takes registrations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from shared.contracts.events import Audience, Kind
from shared.errors import Conflict

JOIN_OPENS = timedelta(minutes=30)  # the join link is shown to people with a place this long before the start
ConferenceStatus = Literal["draft", "published", "cancelled", "held", "materials_published"]
Accessibility = Literal["captions", "sign_language", "slides_in_advance"]
SpeakerKind = Literal["hcp", "patient"]  # a healthcare professional, or a patient speaking of their own road


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    profession: str  # "rheumatologist", "respiratory physiotherapist"; for a patient, a few words ("lives with CRPS")
    kind: SpeakerKind
    member_id: UUID | None = None  # a member holding the `hcp` role in a host association, when linked


@dataclass(frozen=True, slots=True)
class Conference:
    conference_id: UUID
    association_id: UUID
    kind: Kind
    status: ConferenceStatus
    title: str
    description: str
    languages: list[str]
    audience: list[Audience]
    conditions: list[str]
    accessibility: list[Accessibility]
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    capacity: int
    held: int
    sequence: int
    co_hosts: list[UUID]
    speakers: list[Speaker] = field(default_factory=list)

    @property
    def hosts(self) -> list[UUID]:
        return [self.association_id, *self.co_hosts]

    def is_for(self, codes: list[str]) -> bool:
        """Whether a person with condition `codes` is who the event is for, by the ICD-10 hierarchy: the same code,
        or one within the other (G43.1 for an event about G43, and G43 for one about G43.1)."""
        return any(mine.startswith(its) or its.startswith(mine) for mine in codes for its in self.conditions)

    def check_open(self, now: datetime) -> None:
        """Raise Conflict unless people can register now."""
        if self.status != "published":
            raise Conflict(f"this {self.kind} is {self.status.replace('_', ' ')}: it takes no registrations")
        if self.starts_at <= now:
            raise Conflict(f"this {self.kind} has already started; registration is closed")

    def check_changeable(self, now: datetime, change: str) -> None:
        """Raise Conflict unless the host can still `change` (reschedule, cancel) the event."""
        if self.status not in {"draft", "published"}:
            raise Conflict(f"this {self.kind} is {self.status.replace('_', ' ')}: it can no longer be {change}")
        if self.starts_at <= now:
            raise Conflict(f"this {self.kind} has already started: it can no longer be {change}")

    def check_publishable(self, now: datetime) -> None:
        """Raise Conflict unless this is a draft that has not started yet."""
        if self.status != "draft":
            raise Conflict(f"only a draft can be published; this {self.kind} is {self.status.replace('_', ' ')}")
        if self.starts_at <= now:
            raise Conflict(f"this {self.kind}'s start has passed; change its date before publishing it")

    @property
    def join_opens_at(self) -> datetime:
        """From when people with a place see the link to join (until the end)."""
        return self.starts_at - JOIN_OPENS

    def check_joinable(self, now: datetime) -> None:
        """Raise Conflict unless the join link may be shown now: from JOIN_OPENS before the start to the end."""
        if self.status == "cancelled":
            raise Conflict(f"this {self.kind} is cancelled")
        if now < self.join_opens_at:
            opens = self.join_opens_at.isoformat()
            raise Conflict(
                f"the link to join is shown from {opens}, {JOIN_OPENS.seconds // 60} minutes before the start"
            )
        if now >= self.ends_at:
            raise Conflict(f"this {self.kind} has ended")

    def check_ended(self, now: datetime, change: str) -> None:
        """Raise Conflict unless the event took place and is over (its materials, feedback)."""
        if self.status not in {"published", "materials_published"}:
            raise Conflict(f"this {self.kind} is {self.status.replace('_', ' ')}: {change} is not possible")
        if now < self.ends_at:
            raise Conflict(f"this {self.kind} has not ended yet: {change} comes after it")
