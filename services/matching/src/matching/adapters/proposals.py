"""SQL for proposals, the pairs never proposed again, and ending mentorships when a person goes away.

The state changes here return the rows they changed (`Pair`), so the caller can release places and
publish a message for each, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from shared.contracts.matching import Slot

_PAIR = "match_id, request_id, mentee_id, association_id, mentor_id, mentor_association_id"


@dataclass(frozen=True)
class Pair:
    """Who a proposal or mentorship is between: the mentee's request and association, the mentor's association."""

    match_id: UUID
    request_id: UUID
    mentee_id: UUID
    association_id: UUID
    mentor_id: UUID
    mentor_association_id: UUID

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Pair:
        return cls(*(row[name] for name in _PAIR.split(", ")))


@dataclass(frozen=True)
class Scope:
    """Which of a person's proposals or mentorships: in one association (theirs on their side) or all, and
    possibly only those across associations (a federation consent withdrawn)."""

    member_id: UUID
    association_id: UUID | None = None
    cross_association_only: bool = False

    def args(self) -> tuple[Any, ...]:
        return self.member_id, self.association_id, self.cross_association_only


# A pair in scope, over columns named as in `proposals` (the alias `p`).
_IN_SCOPE = (
    "((p.mentee_id = $1 AND ($2::uuid IS NULL OR p.association_id = $2))"
    " OR (p.mentor_id = $1 AND ($2::uuid IS NULL OR p.mentor_association_id = $2)))"
    " AND (NOT $3 OR p.association_id <> p.mentor_association_id)"
)


async def insert_proposal(
    conn: asyncpg.Connection,
    pair: Pair,
    *,
    score: int,
    breakdown: dict[str, float],
    first_slot: Slot | None,
    created_at: datetime,
    expires_at: datetime,
) -> None:
    await conn.execute(
        f"INSERT INTO proposals ({_PAIR}, score, breakdown, first_slot, status, created_at, expires_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'proposed', $10, $11)",
        pair.match_id,
        pair.request_id,
        pair.mentee_id,
        pair.association_id,
        pair.mentor_id,
        pair.mentor_association_id,
        score,
        breakdown,
        None if first_slot is None else first_slot.model_dump(mode="json"),
        created_at,
        expires_at,
    )


async def withdraw_waiting(conn: asyncpg.Connection, scope: Scope, reason: str) -> list[Pair]:
    """Proposals in scope still waiting for an answer become `withdrawn`."""
    rows = await conn.fetch(
        f"UPDATE proposals p SET status = 'withdrawn', decided_at = now(), reason = $4"
        f" WHERE p.status = 'proposed' AND {_IN_SCOPE} RETURNING {_PAIR}",
        *scope.args(),
        reason,
    )
    return [Pair.from_row(row) for row in rows]


async def withdraw_for_request(conn: asyncpg.Connection, request_id: UUID, reason: str) -> list[Pair]:
    rows = await conn.fetch(
        "UPDATE proposals SET status = 'withdrawn', decided_at = now(), reason = $2"
        f" WHERE request_id = $1 AND status = 'proposed' RETURNING {_PAIR}",
        request_id,
        reason,
    )
    return [Pair.from_row(row) for row in rows]


async def expire_due(conn: asyncpg.Connection, now: datetime, limit: int = 500) -> list[Pair]:
    """Proposals past `expires_at` and still unanswered become `expired` (skipping any being answered now)."""
    rows = await conn.fetch(
        "UPDATE proposals SET status = 'expired', decided_at = $1, reason = 'no answer in time'"
        " WHERE match_id IN (SELECT match_id FROM proposals WHERE status = 'proposed' AND expires_at <= $1"
        " ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
        f" RETURNING {_PAIR}",
        now,
        limit,
    )
    return [Pair.from_row(row) for row in rows]


async def exclude_pair(conn: asyncpg.Connection, mentee_id: UUID, mentor_id: UUID, reason: str) -> None:
    """Never propose this mentor to this mentee again."""
    await conn.execute(
        "INSERT INTO excluded_pairs (mentee_id, mentor_id, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        mentee_id,
        mentor_id,
        reason,
    )


async def end_active_mentorships(conn: asyncpg.Connection, scope: Scope, reason: str) -> list[Pair]:
    """Active mentorships in scope end early with `reason`."""
    rows = await conn.fetch(
        "UPDATE mentorships m SET status = 'ended', ended_at = now(), outcome = 'ended_early', end_reason = $4"
        f" FROM proposals p WHERE p.match_id = m.match_id AND m.status = 'active' AND {_IN_SCOPE}"
        f" RETURNING {', '.join('p.' + name for name in _PAIR.split(', '))}",
        *scope.args(),
        reason,
    )
    return [Pair.from_row(row) for row in rows]


async def delete_workflow_of(conn: asyncpg.Connection, member_id: UUID) -> None:
    """Every feedback, mentorship, proposal and excluded pair the person is part of, on either side."""
    await conn.execute(
        "DELETE FROM feedback WHERE from_member = $1"
        " OR match_id IN (SELECT match_id FROM mentorships WHERE mentee_id = $1 OR mentor_id = $1)",
        member_id,
    )
    await conn.execute("DELETE FROM mentorships WHERE mentee_id = $1 OR mentor_id = $1", member_id)
    await conn.execute("DELETE FROM proposals WHERE mentee_id = $1 OR mentor_id = $1", member_id)
    await conn.execute("DELETE FROM excluded_pairs WHERE mentee_id = $1 OR mentor_id = $1", member_id)
