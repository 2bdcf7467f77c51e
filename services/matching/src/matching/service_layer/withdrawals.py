"""Undoing the workflow when a person goes away: proposals withdrawn, mentorships ended, places given back.

The matching contract has no `match.withdrawn`: a proposal withdrawn by circumstance (someone left,
withdrew a consent or was erased) is published as `match.declined` with a reason starting "withdrawn:".
The pair is not excluded: nobody said no to it.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from matching.adapters import mentors, proposals, requests
from matching.adapters.proposals import Pair, Scope
from shared.contracts.matching import MatchDeclined, MentorshipEnded
from shared.db.outbox import enqueue


async def withdraw_proposals(conn: asyncpg.Connection, scope: Scope, reason: str) -> list[Pair]:
    """Withdraw the waiting proposals in scope: each mentor gets the place back, each request is open again."""
    withdrawn = await proposals.withdraw_waiting(conn, scope, reason)
    for pair in withdrawn:
        await _undo_proposal(conn, pair, reason)
    return withdrawn


async def withdraw_proposal_of_request(conn: asyncpg.Connection, request_id: UUID, reason: str) -> None:
    for pair in await proposals.withdraw_for_request(conn, request_id, reason):
        await _undo_proposal(conn, pair, reason)


async def _undo_proposal(conn: asyncpg.Connection, pair: Pair, reason: str) -> None:
    await mentors.release_place(conn, pair.mentor_id, pair.mentor_association_id)
    await requests.reopen(conn, pair.request_id)
    declined = MatchDeclined(
        request_id=pair.request_id,
        mentee_id=pair.mentee_id,
        association_id=pair.association_id,
        match_id=pair.match_id,
        mentor_id=pair.mentor_id,
        reason=f"withdrawn: {reason}",
    )
    await enqueue(conn, declined)


async def end_mentorships(conn: asyncpg.Connection, scope: Scope, reason: str) -> list[Pair]:
    """End the active mentorships in scope early; each mentor gets the place back."""
    ended = await proposals.end_active_mentorships(conn, scope, reason)
    for pair in ended:
        await mentors.release_place(conn, pair.mentor_id, pair.mentor_association_id)
        message = MentorshipEnded(
            request_id=pair.request_id,
            mentee_id=pair.mentee_id,
            association_id=pair.association_id,
            match_id=pair.match_id,
            mentor_id=pair.mentor_id,
            outcome="ended_early",
            reason=reason,
        )
        await enqueue(conn, message)
    return ended


async def undo_all(conn: asyncpg.Connection, scope: Scope, reason: str) -> None:
    """Withdraw the waiting proposals and end the active mentorships in scope."""
    await withdraw_proposals(conn, scope, reason)
    await end_mentorships(conn, scope, reason)
