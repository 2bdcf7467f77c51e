"""SQL for the matching workflow as members see and act on it: their requests, proposals, mentorships
and feedback. (Places, excluded pairs and withdrawals are in `mentors`, `proposals` and `requests`.)

An action locks the proposal first, then touches the request and the mentor, in the order the matcher's
expiry and withdrawals use, so that concurrent changes to one pair queue instead of deadlocking.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from matching.domain.proposals import ProposalStatus
from matching.domain.workflow import (
    FeedbackRecord,
    MentorshipRecord,
    Outcome,
    ProposalRecord,
    RequestRecord,
)

_REQUEST = (
    "request_id, mentee_id, association_id, preferences, status, created_at, updated_at, unmatched_reason,"
    " estimated_wait_days, closed_reason"
)
_PROPOSAL = (
    "p.match_id, p.request_id, p.mentee_id, p.mentor_id, p.mentor_association_id, p.association_id, p.score,"
    " p.breakdown, p.first_slot, p.status, p.created_at, p.expires_at, p.decided_at, p.reason"
)
_MENTORSHIP = (
    "m.match_id, p.request_id, m.mentee_id, m.mentor_id, m.association_id, p.mentor_association_id, m.status,"
    " m.started_at, m.ended_at, m.outcome, m.end_reason,"
    " ARRAY(SELECT f.from_member FROM feedback f WHERE f.match_id = m.match_id ORDER BY f.created_at)"
    " AS feedback_from"
)
_MENTORSHIP_FROM = "mentorships m JOIN proposals p USING (match_id)"


def _request(row: asyncpg.Record) -> RequestRecord:
    return RequestRecord(**dict(row))


def _proposal(row: asyncpg.Record) -> ProposalRecord:
    return ProposalRecord(**dict(row))


def _mentorship(row: asyncpg.Record) -> MentorshipRecord:
    return MentorshipRecord(**{**dict(row), "feedback_from": list(row["feedback_from"])})


# -- requests ------------------------------------------------------------------------------------
async def get_request(conn: asyncpg.Connection, request_id: UUID) -> RequestRecord | None:
    row = await conn.fetchrow(f"SELECT {_REQUEST} FROM requests WHERE request_id = $1", request_id)
    return None if row is None else _request(row)


async def requests_of(conn: asyncpg.Connection, mentee_id: UUID) -> list[RequestRecord]:
    """A mentee's requests, newest first."""
    rows = await conn.fetch(f"SELECT {_REQUEST} FROM requests WHERE mentee_id = $1 ORDER BY created_at DESC", mentee_id)
    return [_request(row) for row in rows]


async def mark_matched(conn: asyncpg.Connection, request_id: UUID) -> None:
    """proposed → matched: its proposal was accepted."""
    await conn.execute(
        "UPDATE requests SET status = 'matched', updated_at = now() WHERE request_id = $1 AND status = 'proposed'",
        request_id,
    )


# -- proposals -----------------------------------------------------------------------------------
async def get_proposal(conn: asyncpg.Connection, match_id: UUID) -> ProposalRecord | None:
    row = await conn.fetchrow(f"SELECT {_PROPOSAL} FROM proposals p WHERE p.match_id = $1", match_id)
    return None if row is None else _proposal(row)


async def lock_proposal(conn: asyncpg.Connection, match_id: UUID) -> ProposalRecord | None:
    row = await conn.fetchrow(f"SELECT {_PROPOSAL} FROM proposals p WHERE p.match_id = $1 FOR UPDATE", match_id)
    return None if row is None else _proposal(row)


async def proposals_of(conn: asyncpg.Connection, member_id: UUID) -> list[ProposalRecord]:
    """Proposals where the member is the mentee or the mentor, newest first."""
    rows = await conn.fetch(
        f"SELECT {_PROPOSAL} FROM proposals p WHERE p.mentee_id = $1 OR p.mentor_id = $1 ORDER BY p.created_at DESC",
        member_id,
    )
    return [_proposal(row) for row in rows]


async def decide_proposal(
    conn: asyncpg.Connection, match_id: UUID, status: ProposalStatus, decided_by: UUID, reason: str | None = None
) -> None:
    await conn.execute(
        "UPDATE proposals SET status = $2, decided_at = now(), decided_by = $3, reason = $4 WHERE match_id = $1",
        match_id,
        status,
        decided_by,
        reason,
    )


# -- mentorships ---------------------------------------------------------------------------------
async def start_mentorship(conn: asyncpg.Connection, proposal: ProposalRecord) -> None:
    await conn.execute(
        "INSERT INTO mentorships (match_id, mentee_id, mentor_id, association_id, status)"
        " VALUES ($1, $2, $3, $4, 'active')",
        proposal.match_id,
        proposal.mentee_id,
        proposal.mentor_id,
        proposal.association_id,
    )


async def get_mentorship(conn: asyncpg.Connection, match_id: UUID, *, lock: bool = False) -> MentorshipRecord | None:
    row = await conn.fetchrow(
        f"SELECT {_MENTORSHIP} FROM {_MENTORSHIP_FROM} WHERE m.match_id = $1{' FOR UPDATE OF m' if lock else ''}",
        match_id,
    )
    return None if row is None else _mentorship(row)


async def mentorships_of(conn: asyncpg.Connection, member_id: UUID) -> list[MentorshipRecord]:
    """Mentorships where the member is the mentee or the mentor, newest first."""
    rows = await conn.fetch(
        f"SELECT {_MENTORSHIP} FROM {_MENTORSHIP_FROM} WHERE m.mentee_id = $1 OR m.mentor_id = $1"
        " ORDER BY m.started_at DESC",
        member_id,
    )
    return [_mentorship(row) for row in rows]


async def end_mentorship(conn: asyncpg.Connection, match_id: UUID, outcome: Outcome, reason: str) -> None:
    await conn.execute(
        "UPDATE mentorships SET status = 'ended', ended_at = now(), outcome = $2, end_reason = $3 WHERE match_id = $1",
        match_id,
        outcome,
        reason,
    )


async def add_feedback(
    conn: asyncpg.Connection, match_id: UUID, from_member: UUID, rating: int, comment: str
) -> FeedbackRecord | None:
    """Store a member's feedback on a mentorship; None when they had already given it."""
    row = await conn.fetchrow(
        "INSERT INTO feedback (match_id, from_member, rating, comment) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING RETURNING match_id, from_member, rating, comment, created_at",
        match_id,
        from_member,
        rating,
        comment,
    )
    return None if row is None else FeedbackRecord(**dict(row))
