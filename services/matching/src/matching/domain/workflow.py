"""The workflow's records as members see them: a request, a proposal, a mentorship and feedback, with their
states (a proposal's life-cycle rules are in `domain.proposals`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from matching.domain.proposals import ProposalStatus

RequestStatus = Literal["open", "proposed", "matched", "cancelled"]
MentorshipStatus = Literal["active", "ended"]
Outcome = Literal["completed", "ended_early"]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    request_id: UUID
    mentee_id: UUID
    association_id: UUID
    preferences: dict[str, Any]
    status: RequestStatus
    created_at: datetime
    updated_at: datetime
    unmatched_reason: str | None
    estimated_wait_days: int | None
    closed_reason: str | None


@dataclass(frozen=True, slots=True)
class ProposalRecord:
    match_id: UUID
    request_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    mentor_association_id: UUID
    association_id: UUID
    score: int  # in 1/1000 points
    breakdown: dict[str, Any]
    first_slot: dict[str, Any] | None
    status: ProposalStatus
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class MentorshipRecord:
    match_id: UUID
    request_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    association_id: UUID
    mentor_association_id: UUID
    status: MentorshipStatus
    started_at: datetime
    ended_at: datetime | None
    outcome: Outcome | None
    end_reason: str | None
    feedback_from: list[UUID]  # who has given feedback so far


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    match_id: UUID
    from_member: UUID
    rating: int
    comment: str
    created_at: datetime
