"""Use cases of members acting on the matching workflow: ask for a mentor, cancel, answer a proposal (the
mentor), end a mentorship and give feedback (either side).

A member acts only on their own requests, proposals and mentorships; anything else is "not found", so
ids of other people's records reveal nothing. Each change and the message announcing it commit in one
transaction. A mentor's place (`mentors.load`) stays reserved from the proposal through the active
mentorship and is given back when the proposal is declined or withdrawn or the mentorship ends. The
matcher re-solves by itself whenever requests, mentors or excluded pairs change.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from matching.adapters import mentors, people, proposals, workflow
from matching.adapters import requests as requests_store
from matching.domain.model import Preferences
from matching.domain.proposals import Answer, check_answer, side_of
from matching.domain.workflow import FeedbackRecord, MentorshipRecord, Outcome, ProposalRecord, RequestRecord
from matching.service_layer import requests
from shared.contracts.matching import FeedbackRecorded, MatchAccepted, MatchDeclined, MentorshipEnded
from shared.db.outbox import enqueue
from shared.dependencies import Clock, utc_now
from shared.errors import Conflict, Forbidden, NotFound
from shared.web.auth import Principal


# -- requests ------------------------------------------------------------------------------------
async def create_request(
    pool: asyncpg.Pool, caller: Principal, association_id: UUID, preferences: Preferences
) -> RequestRecord:
    """Ask for a mentor in an association the caller belongs to (one live request per association)."""
    me = caller.member_id
    if not caller.is_member_of(association_id):
        raise Forbidden("you are not a member of this association; join it before asking for a mentor here")
    async with pool.acquire() as conn, conn.transaction():
        if not await people.is_active_member(conn, me, association_id):
            raise Conflict(
                "matching does not know you as an active member of this association yet: if you have just joined,"
                " try again in a minute; if your membership lapsed, renew it first"
            )
        opened = await requests.open_request(conn, me, association_id, preferences)
        if not opened.created:
            raise Conflict(
                "you already have a live request in this association; cancel it to ask again",
                extra={"request_id": str(opened.request_id)},
            )
        return await _request(conn, opened.request_id)


async def my_requests(pool: asyncpg.Pool, caller: Principal) -> list[RequestRecord]:
    async with pool.acquire() as conn:
        return await workflow.requests_of(conn, caller.member_id)


async def cancel_request(pool: asyncpg.Pool, caller: Principal, request_id: UUID) -> RequestRecord:
    """Withdraw one's own live request; a proposal waiting for the mentor is withdrawn and its place freed."""
    me = caller.member_id
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
        return await workflow.proposals_of(conn, caller.member_id)


async def accept(pool: asyncpg.Pool, caller: Principal, match_id: UUID, *, clock: Clock = utc_now) -> MentorshipRecord:
    """The mentor accepts: the mentorship starts, the request is matched; the place stays taken."""
    me = caller.member_id
    async with pool.acquire() as conn, conn.transaction():
        proposal = await _answerable_proposal(conn, me, match_id, "accept", clock())
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
        )
        return await _mentorship(conn, match_id)


async def decline(
    pool: asyncpg.Pool, caller: Principal, match_id: UUID, reason: str, *, clock: Clock = utc_now
) -> ProposalRecord:
    """The mentor declines: the pair is never proposed again, the place is freed and the request reopens."""
    me = caller.member_id
    async with pool.acquire() as conn, conn.transaction():
        proposal = await _answerable_proposal(conn, me, match_id, "decline", clock())
        await workflow.decide_proposal(conn, match_id, "declined", me, reason)
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
                mentor_id=me,  # the mentor's own words (`reason`) stay in matching: never on the topic
            ),
        )
        declined = await workflow.get_proposal(conn, match_id)
        assert declined is not None
        return declined


async def _answerable_proposal(
    conn: asyncpg.Connection, me: UUID, match_id: UUID, answer: Answer, now: datetime
) -> ProposalRecord:
    """The proposal, locked, when the caller may give `answer` to it now (the domain's rule)."""
    proposal = await workflow.lock_proposal(conn, match_id)
    if proposal is None:
        raise NotFound("you have no proposal with this id")
    check_answer(
        me,
        mentee_id=proposal.mentee_id,
        mentor_id=proposal.mentor_id,
        status=proposal.status,
        expires_at=proposal.expires_at,
        now=now,
        answer=answer,
    )
    return proposal


# -- mentorships ---------------------------------------------------------------------------------
async def my_mentorships(pool: asyncpg.Pool, caller: Principal) -> list[MentorshipRecord]:
    async with pool.acquire() as conn:
        return await workflow.mentorships_of(conn, caller.member_id)


async def end_mentorship(
    pool: asyncpg.Pool, caller: Principal, match_id: UUID, outcome: Outcome, reason: str
) -> MentorshipRecord:
    """Either side ends an active mentorship; the mentor's place is freed."""
    me = caller.member_id
    async with pool.acquire() as conn, conn.transaction():
        mentorship = await _mentorship_of(conn, me, match_id, lock=True)
        if mentorship.status != "active":
            raise Conflict("this mentorship has already ended")
        await workflow.end_mentorship(conn, match_id, outcome, reason)
        await mentors.release_place(conn, mentorship.mentor_id, mentorship.mentor_association_id)
        await enqueue(
            conn,
            MentorshipEnded(
                request_id=mentorship.request_id,
                mentee_id=mentorship.mentee_id,
                association_id=mentorship.association_id,
                match_id=match_id,
                mentor_id=mentorship.mentor_id,
                outcome=outcome,
                reason=reason,
            ),
        )
        return await _mentorship(conn, match_id)


async def give_feedback(
    pool: asyncpg.Pool, caller: Principal, match_id: UUID, rating: int, comment: str
) -> FeedbackRecord:
    """Each side rates an ended mentorship once; the comment stays with matching."""
    me = caller.member_id
    async with pool.acquire() as conn, conn.transaction():
        mentorship = await _mentorship_of(conn, me, match_id)
        if mentorship.status != "ended":
            raise Conflict("feedback can be given once the mentorship has ended")
        feedback = await workflow.add_feedback(conn, match_id, me, rating, comment)
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
                rating=rating,
            ),
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
