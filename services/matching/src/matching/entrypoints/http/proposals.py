"""HTTP: proposals as either side sees them, and the mentor's answer."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, ConfigDict, Field

from matching.domain.proposals import ProposalStatus, Side, effective_status, side_of
from matching.domain.scoring import SCALE
from matching.domain.workflow import ProposalRecord
from matching.entrypoints.http.mentorships import NO_NUL, MentorshipRead
from matching.service_layer import workflow
from shared.contracts.matching import Slot
from shared.dependencies import utc_now
from shared.web.app import BEARER
from shared.web.dependencies import Caller, Me, Pool


class Decline(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(
        min_length=1,
        max_length=1000,
        pattern=NO_NUL,
        description="kept by matching and shown to the mentee here; never sent to other services",
    )


class ProposalRead(BaseModel):
    match_id: UUID
    request_id: UUID
    association_id: UUID = Field(description="the mentee's association")
    role: Side = Field(description="your side of the proposal")
    counterpart_id: UUID = Field(description="the other person's member id")
    score: float = Field(description="points out of the association's total weight")
    breakdown: dict[str, float] = Field(description="points per criterion")
    first_slot: Slot | None = Field(description="the first hour both of you are free, in each one's local time")
    status: ProposalStatus
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None
    reason: str | None

    @classmethod
    def of(cls, proposal: ProposalRecord, viewer: UUID) -> ProposalRead:
        role = side_of(viewer, proposal.mentee_id, proposal.mentor_id)
        assert role is not None
        return cls(
            match_id=proposal.match_id,
            request_id=proposal.request_id,
            association_id=proposal.association_id,
            role=role,
            counterpart_id=proposal.mentor_id if role == "mentee" else proposal.mentee_id,
            score=proposal.score / SCALE,
            breakdown=proposal.breakdown,
            first_slot=None if proposal.first_slot is None else Slot.model_validate(proposal.first_slot),
            status=effective_status(proposal.status, proposal.expires_at, utc_now()),
            created_at=proposal.created_at,
            expires_at=proposal.expires_at,
            decided_at=proposal.decided_at,
            reason=proposal.reason,
        )


class ProposalController(Controller):
    path = "/"
    tags = ["proposals"]
    security = [{BEARER: []}]

    @get("/me/proposals", operation_id="list_my_proposals")
    async def mine(self, pool: Pool, caller: Caller, me: Me) -> list[ProposalRead]:
        """Proposals made to you as a mentee or as a mentor, newest first, each with its explanation."""
        return [ProposalRead.of(proposal, me) for proposal in await workflow.my_proposals(pool, caller)]

    @post("/proposals/{match_id:uuid}/accept", operation_id="accept_proposal", status_code=HTTP_200_OK)
    async def accept(self, match_id: FromPath[UUID], pool: Pool, caller: Caller, me: Me) -> MentorshipRead:
        """As the proposed mentor, accept before the proposal expires: the mentorship starts."""
        return MentorshipRead.of(await workflow.accept(pool, caller, match_id), me)

    @post("/proposals/{match_id:uuid}/decline", operation_id="decline_proposal", status_code=HTTP_200_OK)
    async def decline(
        self, match_id: FromPath[UUID], data: JSONBody[Decline], pool: Pool, caller: Caller, me: Me
    ) -> ProposalRead:
        """As the proposed mentor, decline with a reason; you will not be proposed to this mentee again."""
        return ProposalRead.of(await workflow.decline(pool, caller, match_id, data.reason), me)
