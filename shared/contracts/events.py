"""Payloads owned by events: conferences and circles on `events.conference.v1`, and the places people hold
in them on `events.registration.v1`; both keyed by the conference's id, so one event's facts stay in order.

A conference's codes are the ICD-10 codes it is *for* (no one's diagnosis); registrations carry member ids
only: no names, no conditions, no accessibility needs.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.envelope import MessageData
from shared.contracts.membership import Icd10Code
from shared.contracts.topics import Topic

Kind = Literal["conference", "circle"]
Audience = Literal["patients", "caregivers", "healthcare_professionals"]


class ConferenceMessage(MessageData):
    topic: ClassVar[Topic] = Topic.CONFERENCE
    conference_id: UUID
    association_id: UUID = Field(description="the host association")

    def subject(self) -> str:
        return str(self.conference_id)


class ConferencePublished(ConferenceMessage):
    """Open for registration."""

    event_type: ClassVar[str] = "conference.published"
    event_version: ClassVar[int] = 1
    kind: Kind
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str = Field(description="IANA time zone the host announces times in")
    languages: list[str]
    audience: list[Audience]
    conditions: list[Icd10Code] = Field(default_factory=list, description="ICD-10 codes the event is for")
    capacity: int
    co_hosts: list[UUID] = Field(default_factory=list)
    meetings: int = Field(default=1, ge=1, le=52, description="a circle's weekly meetings from starts_at")
    open_until: datetime | None = Field(
        default=None, description="registration is open until then: a circle's last meeting start (absent: starts_at)"
    )


class ConferenceRescheduled(ConferenceMessage):
    event_type: ClassVar[str] = "conference.rescheduled"
    event_version: ClassVar[int] = 1
    starts_at: datetime
    ends_at: datetime
    sequence: int = Field(description="the calendar entry's SEQUENCE (RFC 5545), one more per reschedule")
    open_until: datetime | None = Field(
        default=None, description="registration is open until then: a circle's last meeting start (absent: starts_at)"
    )


class ConferenceCancelled(ConferenceMessage):
    event_type: ClassVar[str] = "conference.cancelled"
    event_version: ClassVar[int] = 1
    reason: str = ""


class ConferenceHeld(ConferenceMessage):
    """The event took place: its last meeting is over (its materials may follow)."""

    event_type: ClassVar[str] = "conference.held"
    event_version: ClassVar[int] = 1
    attended: int = Field(ge=0, description="how many people used the link to join")


class EventForPerson(MessageData):
    """What notifications needs to write to one person about an event: which (its title and start), never
    their needs or conditions."""

    topic: ClassVar[Topic] = Topic.REGISTRATION
    conference_id: UUID
    member_id: UUID
    association_id: UUID = Field(description="the host association")
    kind: Kind
    title: str
    starts_at: datetime

    def subject(self) -> str:
        return str(self.conference_id)


class RegistrationMessage(EventForPerson):
    """About the person's place (or position in line) at the event, with what the person's calendar entry
    needs besides the title and start (notifications attaches it to the e-mails that change a calendar)."""

    registration_id: UUID
    ends_at: datetime | None = Field(default=None, description="absent only from messages sent before 2026-12")
    time_zone: str | None = Field(default=None, description="the host's IANA time zone, e.g. Europe/Paris")
    sequence: int = Field(default=0, ge=0, description="the calendar entry's SEQUENCE: one more per reschedule")
    meetings: int = Field(
        default=1, ge=1, le=52, description="a circle meets weekly this many times from its first meeting"
    )


class RegistrationConfirmed(RegistrationMessage):
    """A place is the person's (at once, or an offered place accepted)."""

    event_type: ClassVar[str] = "registration.confirmed"
    event_version: ClassVar[int] = 1
    places: int = Field(ge=1, le=2, description="2 with a companion seat")


class RegistrationWaitlisted(RegistrationMessage):
    event_type: ClassVar[str] = "registration.waitlisted"
    event_version: ClassVar[int] = 1
    position: int = Field(ge=1, description="1 is next in line")


class PlaceOffered(RegistrationMessage):
    """A freed place is held for the person until `expires_at`, then passed on."""

    event_type: ClassVar[str] = "registration.place_offered"
    event_version: ClassVar[int] = 1
    expires_at: datetime


class OfferExpired(RegistrationMessage):
    event_type: ClassVar[str] = "registration.offer_expired"
    event_version: ClassVar[int] = 1


class RegistrationCancelled(RegistrationMessage):
    """The person gave up their place or their position in line (or declined an offered place)."""

    event_type: ClassVar[str] = "registration.cancelled"
    event_version: ClassVar[int] = 1


class EventRescheduled(RegistrationMessage):
    """The event the person holds a place or a position for moved (`starts_at` is the new start); their
    calendar entry keeps its UID with a higher SEQUENCE."""

    event_type: ClassVar[str] = "registration.event_rescheduled"
    event_version: ClassVar[int] = 1
    previous_starts_at: datetime


class EventCancelled(RegistrationMessage):
    """The host cancelled the event: the person's place (or position) is gone with it."""

    event_type: ClassVar[str] = "registration.event_cancelled"
    event_version: ClassVar[int] = 1


class Reminder(RegistrationMessage):
    """The event the person has a place at starts soon: `which` is `day_before` or `hour_before`. For a circle,
    `starts_at` and `ends_at` are those of the meeting coming (not skipped by the person), `meeting` its number."""

    event_type: ClassVar[str] = "registration.reminder"
    event_version: ClassVar[int] = 1
    which: Literal["day_before", "hour_before"]
    meeting: int = Field(default=0, ge=0, description="which meeting of a circle (0 is the first)")


class MaterialsAvailable(RegistrationMessage):
    """The hosts published the recording and slides of an event the person had a place at (whether they came
    or not); the same e-mail asks for their feedback."""

    event_type: ClassVar[str] = "registration.materials_available"
    event_version: ClassVar[int] = 1
    attended: bool = Field(description="they used the link to join")


class FeedbackRequested(RegistrationMessage):
    """The event the person joined is over: would they say how it was (once; the form is on its page)?"""

    event_type: ClassVar[str] = "registration.feedback_requested"
    event_version: ClassVar[int] = 1


class ConferenceSuggested(EventForPerson):
    """A newly published event is for one of the person's conditions (events decided, by the ICD-10 hierarchy,
    among members of a host association who consented to the use of their health data; `association_id` is
    the host they belong to). Which condition is not said: notifications never learns anyone's conditions."""

    event_type: ClassVar[str] = "registration.suggested"
    event_version: ClassVar[int] = 1
