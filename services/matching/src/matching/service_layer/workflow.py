"""Use cases of members acting on the matching workflow: ask for a mentor, cancel, answer a proposal (the
mentor), end a mentorship and give feedback (either side).

A member acts only on their own requests, proposals and mentorships; anything else is "not found", so
ids of other people's records reveal nothing. Each change and the message announcing it commit in one
transaction. A mentor's place (`mentors.load`) stays reserved from the proposal through the active
mentorship and is given back when the proposal is declined or withdrawn or the mentorship ends. The
matcher re-solves by itself whenever requests, mentors or excluded pairs change.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import asyncpg
from pydantic import BaseModel, ConfigDict, Field, model_validator

from matching.adapters import mentors, people, proposals, workflow
from matching.adapters import requests as requests_store
from matching.adapters.workflow import FeedbackRecord, MentorshipRecord, Outcome, ProposalRecord, RequestRecord
from matching.domain.model import AgeBand, Preferences
from matching.service_layer import requests
from shared.contracts.matching import FeedbackRecorded, MatchAccepted, MatchDeclined, MentorshipEnded
from shared.contracts.membership import Gender, Modality
from shared.db.outbox import enqueue
from shared.web.auth import Principal
from shared.web.errors import Conflict, Forbidden, NotFound, Unauthorized

SOURCE = "matching"
NO_NUL = r"^[^\x00]*$"
Side = Literal["mentee", "mentor"]


class AgeBandChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    youngest: int = Field(ge=0, le=120)
    oldest: int = Field(ge=0, le=120)

    @model_validator(mode="after")
    def _ordered(self) -> AgeBandChoice:
        if self.youngest > self.oldest:
            raise ValueError("youngest must not be greater than oldest")
        return self


class PreferenceChoice(BaseModel):
    """Wishes that weigh in the score; `caregiver_for_caregiver` False lets a caregiver be matched with a
    patient mentor too."""

    model_config = ConfigDict(extra="forbid")

    gender: Gender | None = None
    age_band: AgeBandChoice | None = None
    modality: Modality | None = None
    caregiver_for_caregiver: bool = True

    def to_domain(self) -> Preferences:
        band = None if self.age_band is None else AgeBand(self.age_band.youngest, self.age_band.oldest)
        return Preferences(self.gender, band, self.modality, self.caregiver_for_caregiver)


class NewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    association_id: UUID
    preferences: PreferenceChoice = Field(default_factory=PreferenceChoice)


class Decline(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=1000, pattern=NO_NUL, description="passed on to the mentee")


class Ending(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: Outcome
    reason: str = Field(default="", max_length=1000, pattern=NO_NUL)


class NewFeedback(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000, pattern=NO_NUL, description="kept by matching, never sent on")


def member_id(caller: Principal) -> UUID:
    """The caller's member id (the token's subject)."""
    try:
        return UUID(caller.subject)
    except ValueError as error:
        raise Unauthorized("the access token's subject is not a member id") from error


def side_of(member: UUID, mentee_id: UUID, mentor_id: UUID) -> Side | None:
    """Which side of a pair the member is on, if any."""
    return "mentee" if member == mentee_id else "mentor" if member == mentor_id else None


# -- requests ------------------------------------------------------------------------------------
async def create_request(pool: asyncpg.Pool, caller: Principal, new: NewRequest) -> RequestRecord:
    """Ask for a mentor in an association the caller belongs to (one live request per association)."""
    me = member_id(caller)
    if not caller.roles.get(str(new.association_id)):
        raise Forbidden("you are not a member of this association; join it before asking for a mentor here")
    async with pool.acquire() as conn, conn.transaction():
        if not await people.is_active_member(conn, me, new.association_id):
            raise Conflict(
                "matching does not know you as an active member of this association yet: if you have just joined,"
                " try again in a minute; if your membership lapsed, renew it first"
            )
        opened = await requests.open_request(conn, me, new.association_id, new.preferences.to_domain())
        if not opened.created:
            raise Conflict(
                "you already have a live request in this association; cancel it to ask again",
                extra={"request_id": str(opened.request_id)},
            )
        return await _request(conn, opened.request_id)


async def my_requests(pool: asyncpg.Pool, caller: Principal) -> list[RequestRecord]:
    async with pool.acquire() as conn:
        return await workflow.requests_of(conn, member_id(caller))


async def cancel_request(pool: asyncpg.Pool, caller: Principal, request_id: UUID) -> RequestRecord:
    """Withdraw one's own live request; a proposal waiting for the mentor is withdrawn and its place freed."""
    me = member_id(caller)
    async with pool.acquire() as conn, conn.transaction():
        request = await workflow.get_request(conn, request_id)
        if request is None or request.mentee_id != me:
            raise NotFound("you have no request with this id")
        if not await requests.cancel_request(conn, request_id, "the mentee cancelled the request"):
            current = await _request(conn, request_id)
            raise Conflict(f"this request is already {current.status}; only open or proposed requests can be cancelled")
        return await _request(conn, request_id)


async def _request(conn: asyncpg.Connection, request_id: UUID) -> RequestRecord:
    request = await workflow.get_request(conn, request_id)
    assert request is not None
    return request


# -- proposals -----------------------------------------------------------------------------------
async def my_proposals(pool: asyncpg.Pool, caller: Principal) -> list[ProposalRecord]:
    """Proposals made to the caller as a mentee or as a mentor."""
    async with pool.acquire() as conn:
        return await workflow.proposals_of(conn, member_id(caller))


async def accept(pool: asyncpg.Pool, caller: Principal, match_id: UUID) -> MentorshipRecord:
    """The mentor accepts: the mentorship starts, the request is matched; the place stays taken."""
    me = member_id(caller)
    async with pool.acquire() as conn, conn.transaction():
        proposal = await _waiting_proposal_of_mentor(conn, me, match_id, "accept")
        await workflow.decide_proposal(conn, match_id, "accepted", me)
        await workflow.start_mentorship(conn, proposal)
        await workflow.mark_matched(conn, proposal.request_id)
        await enqueue(
            conn,
            MatchAccepted(
                request_id=proposal.request_id,
                mentee_id=proposal.mentee_id,
                association_id=proposal.association_id,
                match_id=match_id,
                mentor_id=me,
            ),
            source=SOURCE,
        )
        return await _mentorship(conn, match_id)


async def decline(pool: asyncpg.Pool, caller: Principal, match_id: UUID, decision: Decline) -> ProposalRecord:
    """The mentor declines: the pair is never proposed again, the place is freed and the request reopens."""
    me = member_id(caller)
    async with pool.acquire() as conn, conn.transaction():
        proposal = await _waiting_proposal_of_mentor(conn, me, match_id, "decline")
        await workflow.decide_proposal(conn, match_id, "declined", me, decision.reason)
        await proposals.exclude_pair(conn, proposal.mentee_id, me, "declined")
        await mentors.release_place(conn, me, proposal.mentor_association_id)
        await requests_store.reopen(conn, proposal.request_id)
        await enqueue(
            conn,
            MatchDeclined(
                request_id=proposal.request_id,
                mentee_id=proposal.mentee_id,
                association_id=proposal.association_id,
                match_id=match_id,
                mentor_id=me,
                reason=decision.reason,
            ),
            source=SOURCE,
        )
        declined = await workflow.get_proposal(conn, match_id)
        assert declined is not None
        return declined


async def _waiting_proposal_of_mentor(
    conn: asyncpg.Connection, me: UUID, match_id: UUID, action: str
) -> ProposalRecord:
    """The proposal, locked, when the caller is its mentor and it still waits for an answer."""
    proposal = await workflow.lock_proposal(conn, match_id)
    side = None if proposal is None else side_of(me, proposal.mentee_id, proposal.mentor_id)
    if proposal is None or side is None:
        raise NotFound("you have no proposal with this id")
    if side == "mentee":
        raise Forbidden(f"only the proposed mentor can {action} this proposal")
    if proposal.status != "proposed":
        raise Conflict(f"this proposal is no longer waiting for an answer: it was {proposal.status}")
    if proposal.expired:
        raise Conflict(f"this proposal expired at {proposal.expires_at.isoformat()}; it can no longer be answered")
    return proposal


# -- mentorships ---------------------------------------------------------------------------------
async def my_mentorships(pool: asyncpg.Pool, caller: Principal) -> list[MentorshipRecord]:
    async with pool.acquire() as conn:
        return await workflow.mentorships_of(conn, member_id(caller))


async def end_mentorship(pool: asyncpg.Pool, caller: Principal, match_id: UUID, ending: Ending) -> MentorshipRecord:
    """Either side ends an active mentorship; the mentor's place is freed."""
    me = member_id(caller)
    async with pool.acquire() as conn, conn.transaction():
        mentorship = await _mentorship_of(conn, me, match_id, lock=True)
        if mentorship.status != "active":
            raise Conflict("this mentorship has already ended")
        await workflow.end_mentorship(conn, match_id, ending.outcome, ending.reason)
        await mentors.release_place(conn, mentorship.mentor_id, mentorship.mentor_association_id)
        await enqueue(
            conn,
            MentorshipEnded(
                request_id=mentorship.request_id,
                mentee_id=mentorship.mentee_id,
                association_id=mentorship.association_id,
                match_id=match_id,
                mentor_id=mentorship.mentor_id,
                outcome=ending.outcome,
                reason=ending.reason,
            ),
            source=SOURCE,
        )
        return await _mentorship(conn, match_id)


async def give_feedback(pool: asyncpg.Pool, caller: Principal, match_id: UUID, given: NewFeedback) -> FeedbackRecord:
    """Each side rates an ended mentorship once; the comment stays with matching."""
    me = member_id(caller)
    async with pool.acquire() as conn, conn.transaction():
        mentorship = await _mentorship_of(conn, me, match_id)
        if mentorship.status != "ended":
            raise Conflict("feedback can be given once the mentorship has ended")
        feedback = await workflow.add_feedback(conn, match_id, me, given.rating, given.comment)
        if feedback is None:
            raise Conflict("you have already given feedback on this mentorship")
        await enqueue(
            conn,
            FeedbackRecorded(
                request_id=mentorship.request_id,
                mentee_id=mentorship.mentee_id,
                association_id=mentorship.association_id,
                match_id=match_id,
                mentor_id=mentorship.mentor_id,
                from_member=me,
                rating=given.rating,
            ),
            source=SOURCE,
        )
        return feedback


async def _mentorship_of(conn: asyncpg.Connection, me: UUID, match_id: UUID, *, lock: bool = False) -> MentorshipRecord:
    mentorship = await workflow.get_mentorship(conn, match_id, lock=lock)
    if mentorship is None or side_of(me, mentorship.mentee_id, mentorship.mentor_id) is None:
        raise NotFound("you have no mentorship with this id")
    return mentorship


async def _mentorship(conn: asyncpg.Connection, match_id: UUID) -> MentorshipRecord:
    mentorship = await workflow.get_mentorship(conn, match_id)
    assert mentorship is not None
    return mentorship
