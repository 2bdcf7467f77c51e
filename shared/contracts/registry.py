"""Every payload model by (event_type, event_version): how a consumer finds the model for a message."""

from __future__ import annotations

from shared.contracts.envelope import MessageData
from shared.contracts.matching import (
    FeedbackRecorded,
    MatchAccepted,
    MatchDeclined,
    MatchExpired,
    MatchProposed,
    MentorshipEnded,
    RequestCreated,
    RequestUnmatched,
)
from shared.contracts.membership import (
    AvailabilityChanged,
    ConditionsChanged,
    ConsentChanged,
    ContactUpdated,
    MemberErased,
    MemberJoined,
    MemberLeft,
    MentorApproved,
    MentorCapacityChanged,
    MentorPaused,
    MentorResumed,
    ProfileUpdated,
    RolesChanged,
)

_MODELS: tuple[type[MessageData], ...] = (
    MemberJoined,
    MemberLeft,
    MemberErased,
    RolesChanged,
    ProfileUpdated,
    ConditionsChanged,
    AvailabilityChanged,
    ConsentChanged,
    MentorApproved,
    MentorPaused,
    MentorResumed,
    MentorCapacityChanged,
    ContactUpdated,
    RequestCreated,
    MatchProposed,
    MatchAccepted,
    MatchDeclined,
    MatchExpired,
    MentorshipEnded,
    FeedbackRecorded,
    RequestUnmatched,
)

REGISTRY: dict[tuple[str, int], type[MessageData]] = {(m.event_type, m.event_version): m for m in _MODELS}


def model_for(event_type: str, event_version: int) -> type[MessageData] | None:
    """The payload model, or None for a type this code does not know (readers skip those)."""
    return REGISTRY.get((event_type, event_version))
