"""A real payload for every event type the dispatch table names, as the contracts build them."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from shared.contracts.community import StoryChangesRequested, StoryDeclined, StoryPublished
from shared.contracts.envelope import MessageData
from shared.contracts.events import (
    ConferenceSuggested,
    EventCancelled,
    EventRescheduled,
    FeedbackRequested,
    MaterialsAvailable,
    OfferExpired,
    PlaceOffered,
    RegistrationConfirmed,
    RegistrationWaitlisted,
    Reminder,
)
from shared.contracts.matching import (
    MatchAccepted,
    MatchDeclined,
    MatchExpired,
    MatchProposed,
    MentorshipEnded,
    RequestUnmatched,
    Slot,
    SuggestedEvent,
)
from shared.contracts.membership import MemberJoined, MentorApproved

ASSOCIATION, MEMBER, MENTOR, MENTEE = uuid4(), uuid4(), uuid4(), uuid4()
MATCH, REQUEST = uuid4(), uuid4()
CONFERENCE, REGISTRATION = uuid4(), uuid4()
ICD_CODES = ["M79.7", "C50.9"]


def payloads() -> dict[str, MessageData]:
    match = {"request_id": REQUEST, "mentee_id": MENTEE, "association_id": ASSOCIATION, "match_id": MATCH}
    place = {
        "conference_id": CONFERENCE,
        "registration_id": REGISTRATION,
        "member_id": MEMBER,
        "association_id": ASSOCIATION,
        "kind": "conference",
        "title": "Moving gently: an evening with a physiotherapist",
        "starts_at": datetime(2030, 2, 3, 18, tzinfo=UTC),
    }
    story = {"story_id": uuid4(), "member_id": MEMBER, "association_id": ASSOCIATION}
    return {
        "member.joined": MemberJoined(
            member_id=MEMBER, association_id=ASSOCIATION, time_zone="Europe/Paris", conditions=ICD_CODES
        ),
        "mentor.approved": MentorApproved(
            member_id=MENTOR, association_id=ASSOCIATION, conditions=ICD_CODES, capacity=2, modalities=["video"]
        ),
        "match.proposed": MatchProposed(
            **match,
            mentor_id=MENTOR,
            score=62.5,
            expires_at=datetime(2030, 1, 10, 18, tzinfo=UTC),
            breakdown={"condition": 30.0, "availability": 15.0, "preferences": 10.0, "experience": 5.0, "waiting": 2.5},
            first_slot=Slot(
                starts_at=datetime(2030, 1, 8, 18, tzinfo=UTC),
                mentee_local="Tuesday 19:00 (Europe/Paris)",
                mentor_local="Tuesday 18:00 (Europe/London)",
            ),
        ),
        "match.accepted": MatchAccepted(**match, mentor_id=MENTOR),
        "match.declined": MatchDeclined(**match, mentor_id=MENTOR, reason="no time this month"),
        "match.expired": MatchExpired(**match, mentor_id=MENTOR),
        "request.unmatched": RequestUnmatched(
            request_id=REQUEST,
            mentee_id=MENTEE,
            association_id=ASSOCIATION,
            reason="no_mentor_for_condition",
            estimated_wait_days=12,
            suggestions=[
                SuggestedEvent(
                    conference_id=CONFERENCE,
                    kind="circle",
                    title="Newly diagnosed: a circle on Tuesdays",
                    starts_at=datetime(2030, 2, 5, 17, tzinfo=UTC),
                )
            ],
        ),
        "mentorship.ended": MentorshipEnded(**match, mentor_id=MENTOR, outcome="completed"),
        "registration.confirmed": RegistrationConfirmed(**place, places=2),
        "registration.waitlisted": RegistrationWaitlisted(**place, position=3),
        "registration.place_offered": PlaceOffered(**place, expires_at=datetime(2030, 2, 2, 9, tzinfo=UTC)),
        "registration.offer_expired": OfferExpired(**place),
        "registration.event_rescheduled": EventRescheduled(
            **place, previous_starts_at=datetime(2030, 2, 1, 18, tzinfo=UTC), sequence=1
        ),
        "registration.event_cancelled": EventCancelled(**place),
        "registration.reminder": Reminder(**place, which="hour_before"),
        "registration.materials_available": MaterialsAvailable(**place, attended=False),
        "registration.feedback_requested": FeedbackRequested(**place),
        "registration.suggested": ConferenceSuggested(
            **{k: v for k, v in place.items() if k != "registration_id"}  # no place yet: a suggestion
        ),
        "story.published": StoryPublished(**story),
        "story.changes_requested": StoryChangesRequested(**story),
        "story.declined": StoryDeclined(**story),
    }
