"""A conference or peer support circle, and its life-cycle: draft → published → (rescheduled | cancelled) →
held → materials published.

A conference meets once. A circle meets weekly, `meetings` times, at the same local time in the host's zone
(18:00 in Paris stays 18:00 across a daylight-saving change): people join the circle, not each meeting, and
may skip one. Registration stays open until the last meeting starts; each meeting has its own join window
and reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from shared.contracts.events import Audience, Kind
from shared.errors import Conflict

MAX_MEETINGS = 52  # a circle meets weekly for up to a year; a longer one is published again
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
    meetings: int = 1  # weekly meetings from `starts_at` (a circle); a conference meets once

    @property
    def schedule(self) -> list[Meeting]:
        """Every meeting, in order: the first at `starts_at`, then one a week at the same local time."""
        return weekly(self.starts_at, self.ends_at, self.time_zone, self.meetings)

    @property
    def closes_at(self) -> datetime:
        """When registration closes: the start of the last meeting (a conference's start)."""
        return self.schedule[-1].starts_at

    @property
    def over_at(self) -> datetime:
        """When the last meeting ends."""
        return self.schedule[-1].ends_at

    def next_meeting(self, now: datetime) -> Meeting | None:
        """The first meeting not yet started at `now`, if any."""
        return next((meeting for meeting in self.schedule if meeting.starts_at > now), None)

    def meeting(self, number: int) -> Meeting:
        """Meeting `number` (0 is the first); Conflict when there is no such meeting."""
        if not 0 <= number < self.meetings:
            raise Conflict(f"this {self.kind} has meetings 0 to {self.meetings - 1}; there is no meeting {number}")
        return self.schedule[number]

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
        if self.closes_at <= now:
            raise Conflict(f"this {self.kind} has already started; registration is closed")

    def check_changeable(self, now: datetime, change: str) -> None:
        """Raise Conflict unless the host can still `change` (edit, cancel) the event: until its last meeting
        starts (a circle under way can still be called off, or given more places)."""
        if self.status not in {"draft", "published"}:
            raise Conflict(f"this {self.kind} is {self.status.replace('_', ' ')}: it can no longer be {change}")
        if self.closes_at <= now:
            raise Conflict(f"this {self.kind} has already started: it can no longer be {change}")

    def check_movable(self, now: datetime) -> None:
        """Raise Conflict unless the host can still move the event's times: until its first meeting."""
        self.check_changeable(now, "rescheduled")
        if self.starts_at <= now:
            raise Conflict(f"this {self.kind} has begun: its times can no longer be moved (it can be cancelled)")

    def check_publishable(self, now: datetime) -> None:
        """Raise Conflict unless this is a draft that has not started yet."""
        if self.status != "draft":
            raise Conflict(f"only a draft can be published; this {self.kind} is {self.status.replace('_', ' ')}")
        if self.starts_at <= now:
            raise Conflict(f"this {self.kind}'s start has passed; change its date before publishing it")

    def current_meeting(self, now: datetime) -> Meeting:
        """The meeting under way or next at `now`; after the end, the last one."""
        return next((meeting for meeting in self.schedule if meeting.ends_at > now), self.schedule[-1])

    def check_joinable(self, now: datetime) -> Meeting:
        """The meeting that may be joined now, from JOIN_OPENS before its start to its end; Conflict otherwise."""
        if self.status == "cancelled":
            raise Conflict(f"this {self.kind} is cancelled")
        if now >= self.over_at:
            raise Conflict(f"this {self.kind} has ended")
        current = self.current_meeting(now)
        if now < current.join_opens_at:
            raise Conflict(
                f"the link to join is shown from {current.join_opens_at.isoformat()},"
                f" {JOIN_OPENS.seconds // 60} minutes before the start"
            )
        return current

    def check_ended(self, now: datetime, change: str) -> None:
        """Raise Conflict unless the event took place and is over (its materials, feedback)."""
        if self.status not in {"published", "held", "materials_published"}:
            raise Conflict(f"this {self.kind} is {self.status.replace('_', ' ')}: {change} is not possible")
        if now < self.over_at:
            raise Conflict(f"this {self.kind} has not ended yet: {change} comes after it")


@dataclass(frozen=True, slots=True)
class Meeting:
    number: int  # 0 is the first
    starts_at: datetime
    ends_at: datetime

    @property
    def join_opens_at(self) -> datetime:
        return self.starts_at - JOIN_OPENS


def weekly(starts_at: datetime, ends_at: datetime, time_zone: str, count: int) -> list[Meeting]:
    """`count` meetings a week apart at the first one's local time in `time_zone` (its wall clock, not its
    UTC offset: across a daylight-saving change the meeting stays at 18:00 and lasts as long)."""
    zone = ZoneInfo(time_zone)
    first, length = starts_at.astimezone(zone), ends_at - starts_at
    schedule = []
    for number in range(count):
        local = (first.replace(tzinfo=None) + timedelta(weeks=number)).replace(tzinfo=zone)
        start = local.astimezone(starts_at.tzinfo)
        schedule.append(Meeting(number, start, start + length))
    return schedule
