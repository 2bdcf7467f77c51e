"""Payloads owned by matching on `matching.match.v1`, keyed by the mentee's member id.

The workflow: request created → match proposed (with its explanation and a first common slot) →
accepted | declined | expired → (accepted) mentorship active → ended → feedback recorded. A request
that cannot be matched is `request.unmatched`, again whenever its reason changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import MessageData
from shared.contracts.topics import Topic

UnmatchedReason = Literal[
    "no_mentor_for_condition", "no_shared_language", "no_availability_overlap", "all_mentors_full", "no_consent"
]


class Slot(BaseModel):
    """A one-hour slot both people are free, in UTC and in each person's own time."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    starts_at: datetime
    mentee_local: str = Field(description="e.g. 'Tuesday 19:00 (Europe/Paris)'")
    mentor_local: str


class MatchMessage(MessageData):
    topic: ClassVar[Topic] = Topic.MATCH
    request_id: UUID
    mentee_id: UUID
    association_id: UUID

    def subject(self) -> str:
        return str(self.mentee_id)


class RequestCreated(MatchMessage):
    event_type: ClassVar[str] = "request.created"
    event_version: ClassVar[int] = 1


class MatchProposed(MatchMessage):
    event_type: ClassVar[str] = "match.proposed"
    event_version: ClassVar[int] = 1
    match_id: UUID
    mentor_id: UUID
    score: float
    expires_at: datetime
    breakdown: dict[str, float] = Field(default_factory=dict, description="score per criterion")
    first_slot: Slot | None = None


class MatchAccepted(MatchMessage):
    """The mentor accepted: the mentorship is active."""

    event_type: ClassVar[str] = "match.accepted"
    event_version: ClassVar[int] = 1
    match_id: UUID
    mentor_id: UUID


class MatchDeclined(MatchMessage):
    event_type: ClassVar[str] = "match.declined"
    event_version: ClassVar[int] = 1
    match_id: UUID
    mentor_id: UUID
    reason: str = ""


class MatchExpired(MatchMessage):
    event_type: ClassVar[str] = "match.expired"
    event_version: ClassVar[int] = 1
    match_id: UUID
    mentor_id: UUID


class MentorshipEnded(MatchMessage):
    event_type: ClassVar[str] = "mentorship.ended"
    event_version: ClassVar[int] = 1
    match_id: UUID
    mentor_id: UUID
    outcome: Literal["completed", "ended_early"]
    reason: str = ""


class FeedbackRecorded(MatchMessage):
    event_type: ClassVar[str] = "feedback.recorded"
    event_version: ClassVar[int] = 1
    match_id: UUID
    mentor_id: UUID
    from_member: UUID
    rating: int = Field(ge=1, le=5)


class SuggestedEvent(BaseModel):
    """An upcoming conference or circle of the mentee's association for one of their conditions."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    conference_id: UUID
    kind: Literal["conference", "circle"]
    title: str
    starts_at: datetime


class RequestUnmatched(MatchMessage):
    """No mentor can be proposed yet: why, roughly how long others waited, and meanwhile (no dead end) the
    soonest events of the association for the mentee's conditions."""

    event_type: ClassVar[str] = "request.unmatched"
    event_version: ClassVar[int] = 1
    reason: UnmatchedReason
    estimated_wait_days: int | None = Field(default=None, description="from recent history; None when unknown")
    suggestions: list[SuggestedEvent] = Field(default_factory=list, max_length=3)
