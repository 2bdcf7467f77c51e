"""SQL for an association's matching statistics, over the requests of its own members.

Durations are medians in hours over a recent window: from a request to its first proposal (for first
proposals made in the window) and from a proposal to its acceptance (for acceptances in the window).
The acceptance rate counts the mentors' answers in the window: accepted / (accepted + declined +
expired); proposals withdrawn because the mentee cancelled are no answer and do not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import asyncpg


@dataclass(frozen=True, slots=True)
class MentorLoad:
    mentor_id: UUID
    load: int
    capacity: int
    paused: bool


@dataclass(frozen=True, slots=True)
class Statistics:
    open_requests: int
    median_hours_to_proposal: float | None
    median_hours_to_acceptance: float | None
    answered_proposals: int
    accepted_proposals: int
    unmatched_by_reason: dict[str, int]
    mentor_load: list[MentorLoad]

    @property
    def acceptance_rate(self) -> float | None:
        return None if self.answered_proposals == 0 else self.accepted_proposals / self.answered_proposals


_MEDIAN_HOURS = "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM {interval}) / 3600)"


async def statistics(conn: asyncpg.Connection, association_id: UUID, window: timedelta) -> Statistics:
    answers = await _answers(conn, association_id, window)
    return Statistics(
        open_requests=await conn.fetchval(
            "SELECT count(*) FROM requests WHERE association_id = $1 AND status = 'open'", association_id
        ),
        median_hours_to_proposal=await _hours_to_first_proposal(conn, association_id, window),
        median_hours_to_acceptance=await _hours_to_acceptance(conn, association_id, window),
        answered_proposals=answers["answered"],
        accepted_proposals=answers["accepted"],
        unmatched_by_reason=await _unmatched_by_reason(conn, association_id),
        mentor_load=await _mentor_load(conn, association_id),
    )


async def _hours_to_first_proposal(conn: asyncpg.Connection, association_id: UUID, window: timedelta) -> float | None:
    hours: float | None = await conn.fetchval(
        f"SELECT {_MEDIAN_HOURS.format(interval='f.proposed_at - r.created_at')}"
        " FROM (SELECT request_id, min(created_at) AS proposed_at FROM proposals WHERE association_id = $1"
        "       GROUP BY request_id) f"
        " JOIN requests r USING (request_id)"
        " WHERE f.proposed_at >= now() - $2::interval",
        association_id,
        window,
    )
    return hours


async def _hours_to_acceptance(conn: asyncpg.Connection, association_id: UUID, window: timedelta) -> float | None:
    hours: float | None = await conn.fetchval(
        f"SELECT {_MEDIAN_HOURS.format(interval='decided_at - created_at')} FROM proposals"
        " WHERE association_id = $1 AND status = 'accepted' AND decided_at >= now() - $2::interval",
        association_id,
        window,
    )
    return hours


async def _answers(conn: asyncpg.Connection, association_id: UUID, window: timedelta) -> asyncpg.Record:
    # An expiry is the mentor's silence: it counts from when the proposal expired.
    row = await conn.fetchrow(
        "SELECT count(*) AS answered, count(*) FILTER (WHERE status = 'accepted') AS accepted FROM proposals"
        " WHERE association_id = $1 AND status IN ('accepted', 'declined', 'expired')"
        " AND COALESCE(decided_at, expires_at) >= now() - $2::interval",
        association_id,
        window,
    )
    assert row is not None
    return row


async def _unmatched_by_reason(conn: asyncpg.Connection, association_id: UUID) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT unmatched_reason, count(*) AS requests FROM requests"
        " WHERE association_id = $1 AND status = 'open' AND unmatched_reason IS NOT NULL"
        " GROUP BY unmatched_reason ORDER BY unmatched_reason",
        association_id,
    )
    return {row["unmatched_reason"]: row["requests"] for row in rows}


async def _mentor_load(conn: asyncpg.Connection, association_id: UUID) -> list[MentorLoad]:
    rows = await conn.fetch(
        "SELECT member_id AS mentor_id, load, capacity, paused FROM mentors WHERE association_id = $1"
        " ORDER BY load DESC, member_id",
        association_id,
    )
    return [MentorLoad(**dict(row)) for row in rows]
