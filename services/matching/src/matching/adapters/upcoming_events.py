"""SQL for the upcoming events matching knows of (for suggestions to mentees no mentor can take yet)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from shared.contracts.matching import SuggestedEvent


async def upsert(
    conn: asyncpg.Connection,
    conference_id: UUID,
    hosts: list[UUID],
    kind: str,
    title: str,
    starts_at: datetime,
    conditions: list[str],
) -> None:
    await conn.execute(
        "INSERT INTO upcoming_events (conference_id, hosts, kind, title, starts_at, conditions)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (conference_id) DO UPDATE SET hosts = EXCLUDED.hosts,"
        " kind = EXCLUDED.kind, title = EXCLUDED.title, starts_at = EXCLUDED.starts_at,"
        " conditions = EXCLUDED.conditions",
        conference_id,
        hosts,
        kind,
        title,
        starts_at,
        sorted(set(conditions)),
    )


async def move(conn: asyncpg.Connection, conference_id: UUID, starts_at: datetime) -> None:
    await conn.execute("UPDATE upcoming_events SET starts_at = $2 WHERE conference_id = $1", conference_id, starts_at)


async def delete(conn: asyncpg.Connection, conference_id: UUID) -> None:
    await conn.execute("DELETE FROM upcoming_events WHERE conference_id = $1", conference_id)


async def for_member(
    conn: asyncpg.Connection, member_id: UUID, association_id: UUID, now: datetime, limit: int = 3
) -> list[SuggestedEvent]:
    """The soonest upcoming events `association_id` hosts (or co-hosts) for a condition related to one of the
    member's (by the ICD-10 hierarchy: the same code, or one within the other)."""
    rows = await conn.fetch(
        "SELECT e.conference_id, e.kind, e.title, e.starts_at FROM upcoming_events e, people p"
        " WHERE p.member_id = $1 AND $2 = ANY(e.hosts) AND e.starts_at > $3 AND EXISTS ("
        "   SELECT 1 FROM jsonb_object_keys(p.conditions) AS mine, unnest(e.conditions) AS its"
        "   WHERE starts_with(mine, its) OR starts_with(its, mine))"
        " ORDER BY e.starts_at LIMIT $4",
        member_id,
        association_id,
        now,
        limit,
    )
    return [SuggestedEvent(**dict(row)) for row in rows]
