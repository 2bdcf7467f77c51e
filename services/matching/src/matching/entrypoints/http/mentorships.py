"""HTTP: mentorships as either side sees them, ending one, and feedback once it ended."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, ConfigDict, Field

from matching.domain.proposals import Side, side_of
from matching.domain.workflow import FeedbackRecord, MentorshipRecord, MentorshipStatus, Outcome
from matching.service_layer import workflow
from shared.web.app import BEARER
from shared.web.dependencies import Caller, Me, Pool

NO_NUL = r"^[^\x00]*$"


class Ending(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: Outcome
    reason: str = Field(default="", max_length=1000, pattern=NO_NUL)


class NewFeedback(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000, pattern=NO_NUL, description="kept by matching, never sent on")


class MentorshipRead(BaseModel):
    match_id: UUID
    request_id: UUID
    association_id: UUID = Field(description="the mentee's association")
    role: Side = Field(description="your side of the mentorship")
    counterpart_id: UUID = Field(description="the other person's member id")
    status: MentorshipStatus
    started_at: datetime
    ended_at: datetime | None
    outcome: Outcome | None
    end_reason: str | None
    feedback_given: bool = Field(description="whether you have given your feedback")

    @classmethod
    def of(cls, mentorship: MentorshipRecord, viewer: UUID) -> MentorshipRead:
        role = side_of(viewer, mentorship.mentee_id, mentorship.mentor_id)
        assert role is not None
        return cls(
            match_id=mentorship.match_id,
            request_id=mentorship.request_id,
            association_id=mentorship.association_id,
            role=role,
            counterpart_id=mentorship.mentor_id if role == "mentee" else mentorship.mentee_id,
            status=mentorship.status,
            started_at=mentorship.started_at,
            ended_at=mentorship.ended_at,
            outcome=mentorship.outcome,
            end_reason=mentorship.end_reason,
            feedback_given=viewer in mentorship.feedback_from,
        )


class FeedbackRead(BaseModel):
    match_id: UUID
    rating: int
    comment: str
    created_at: datetime

    @classmethod
    def of(cls, feedback: FeedbackRecord) -> FeedbackRead:
        return cls(
            match_id=feedback.match_id, rating=feedback.rating, comment=feedback.comment, created_at=feedback.created_at
        )


class MentorshipController(Controller):
    path = "/"
    tags = ["mentorships"]
    security = [{BEARER: []}]

    @get("/me/mentorships", operation_id="list_my_mentorships")
    async def mine(self, pool: Pool, caller: Caller, me: Me) -> list[MentorshipRead]:
        """Your mentorships as a mentee or as a mentor, newest first."""
        return [MentorshipRead.of(mentorship, me) for mentorship in await workflow.my_mentorships(pool, caller)]

    @post("/mentorships/{match_id:uuid}/end", operation_id="end_mentorship", status_code=HTTP_200_OK)
    async def end(
        self, match_id: FromPath[UUID], data: JSONBody[Ending], pool: Pool, caller: Caller, me: Me
    ) -> MentorshipRead:
        """End an active mentorship (either side): completed, or ended early with a reason if you wish."""
        ended = await workflow.end_mentorship(pool, caller, match_id, data.outcome, data.reason)
        return MentorshipRead.of(ended, me)

    @post("/mentorships/{match_id:uuid}/feedback", operation_id="give_mentorship_feedback")
    async def feedback(
        self, match_id: FromPath[UUID], data: JSONBody[NewFeedback], pool: Pool, caller: Caller
    ) -> FeedbackRead:
        """Rate an ended mentorship from 1 to 5, once; the comment stays with matching."""
        return FeedbackRead.of(await workflow.give_feedback(pool, caller, match_id, data.rating, data.comment))
