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
    *,
    open_until: datetime | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO upcoming_events (conference_id, hosts, kind, title, starts_at, conditions, open_until)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (conference_id) DO UPDATE SET hosts = EXCLUDED.hosts,"
        " kind = EXCLUDED.kind, title = EXCLUDED.title, starts_at = EXCLUDED.starts_at,"
        " conditions = EXCLUDED.conditions, open_until = EXCLUDED.open_until",
        conference_id,
        hosts,
        kind,
        title,
        starts_at,
        sorted(set(conditions)),
        open_until,
    )


async def move(
    conn: asyncpg.Connection, conference_id: UUID, starts_at: datetime, *, open_until: datetime | None = None
) -> None:
    await conn.execute(
        "UPDATE upcoming_events SET starts_at = $2, open_until = $3 WHERE conference_id = $1",
        conference_id,
        starts_at,
        open_until,
    )


async def delete(conn: asyncpg.Connection, conference_id: UUID) -> None:
    await conn.execute("DELETE FROM upcoming_events WHERE conference_id = $1", conference_id)


async def for_member(
    conn: asyncpg.Connection, member_id: UUID, association_id: UUID, now: datetime, limit: int = 3
) -> list[SuggestedEvent]:
    """The soonest upcoming events `association_id` hosts (or co-hosts) for a condition related to one of the
    member's (by the ICD-10 hierarchy: the same code, or one within the other); a circle under way too, until
    its last meeting starts."""
    rows = await conn.fetch(
        "SELECT e.conference_id, e.kind, e.title, e.starts_at FROM upcoming_events e, people p"
        " WHERE p.member_id = $1 AND $2 = ANY(e.hosts) AND coalesce(e.open_until, e.starts_at) > $3 AND EXISTS ("
        "   SELECT 1 FROM jsonb_object_keys(p.conditions) AS mine, unnest(e.conditions) AS its"
        "   WHERE starts_with(mine, its) OR starts_with(its, mine))"
        " ORDER BY e.starts_at LIMIT $4",
        member_id,
        association_id,
        now,
        limit,
    )
    return [SuggestedEvent(**dict(row)) for row in rows]
