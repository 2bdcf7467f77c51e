"""SQL for conferences and circles. `held` changes only through `hold`, on a row locked by `get(lock=True)` in
the transaction that changes the registrations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from events.domain.conferences import Conference, Meeting, Speaker

COLUMNS = (
    "c.conference_id, c.association_id, c.kind, c.status, c.title, c.description, c.languages, c.audience,"
    " c.conditions, c.accessibility, c.starts_at, c.ends_at, c.time_zone, c.capacity, c.held, c.sequence,"
    " c.speakers, c.meetings, coalesce((SELECT array_agg(h.association_id ORDER BY h.association_id) FROM conference_hosts h"
    " WHERE h.conference_id = c.conference_id), '{}') AS co_hosts"
)


def conference_of(row: Mapping[str, Any]) -> Conference:
    """A conference from a row of COLUMNS."""
    fields = dict(row.items())
    fields["speakers"] = [
        Speaker(**{**speaker, "member_id": UUID(speaker["member_id"]) if speaker.get("member_id") else None})
        for speaker in fields.get("speakers") or []
    ]
    return Conference(**fields)


async def insert(conn: asyncpg.Connection, conference: Conference, created_by: UUID) -> None:
    await conn.execute(
        "INSERT INTO conferences (conference_id, association_id, kind, status, title, description, languages,"
        " audience, conditions, accessibility, starts_at, ends_at, time_zone, capacity, created_by, speakers,"
        " meetings) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        conference.conference_id,
        conference.association_id,
        conference.kind,
        conference.status,
        conference.title,
        conference.description,
        conference.languages,
        conference.audience,
        conference.conditions,
        conference.accessibility,
        conference.starts_at,
        conference.ends_at,
        conference.time_zone,
        conference.capacity,
        created_by,
        [
            {**asdict(speaker), "member_id": str(speaker.member_id) if speaker.member_id else None}
            for speaker in conference.speakers
        ],
        conference.meetings,
    )
    await write_schedule(conn, conference.conference_id, conference.schedule)
    await conn.executemany(
        "INSERT INTO conference_hosts (conference_id, association_id) VALUES ($1, $2)",
        [(conference.conference_id, host) for host in conference.co_hosts],
    )


async def get(conn: asyncpg.Connection, conference_id: UUID, *, lock: bool = False) -> Conference | None:
    """The event; with `lock`, its row stays locked until the transaction ends (one change of places at a
    time: concurrent registrations queue here, so the capacity is re-checked by each in turn)."""
    suffix = " FOR UPDATE OF c" if lock else ""
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM conferences c WHERE c.conference_id = $1{suffix}", conference_id)
    return None if row is None else conference_of(row)


async def set_status(conn: asyncpg.Connection, conference_id: UUID, status: str) -> None:
    await conn.execute(
        "UPDATE conferences SET status = $2, updated_at = now() WHERE conference_id = $1", conference_id, status
    )


async def hold(conn: asyncpg.Connection, conference_id: UUID, places: int) -> None:
    """Take (`places` > 0) or give back (< 0) places; the table's check refuses going past the capacity."""
    await conn.execute(
        "UPDATE conferences SET held = held + $2, updated_at = now() WHERE conference_id = $1", conference_id, places
    )


async def write_schedule(conn: asyncpg.Connection, conference_id: UUID, schedule: list[Meeting]) -> None:
    """The event's meetings are `schedule` (skips, by meeting number, stay)."""
    await conn.execute("DELETE FROM meetings WHERE conference_id = $1", conference_id)
    await conn.executemany(
        "INSERT INTO meetings (conference_id, number, starts_at, ends_at) VALUES ($1, $2, $3, $4)",
        [(conference_id, meeting.number, meeting.starts_at, meeting.ends_at) for meeting in schedule],
    )


async def upcoming(conn: asyncpg.Connection, now: datetime, limit: int = 100) -> list[Conference]:
    """Published events with a meeting still to start (a circle under way too), the soonest next meeting first."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM conferences c JOIN LATERAL (SELECT min(m.starts_at) AS next FROM meetings m"
        " WHERE m.conference_id = c.conference_id AND m.starts_at > $1) n ON true"
        " WHERE c.status = 'published' AND n.next IS NOT NULL ORDER BY n.next LIMIT $2",
        now,
        limit,
    )
    return [conference_of(row) for row in rows]


async def over(conn: asyncpg.Connection, now: datetime, limit: int = 100) -> list[UUID]:
    """Published events whose last meeting ended by `now`, locked for this transaction (another sweeper skips
    them)."""
    rows = await conn.fetch(
        "SELECT c.conference_id FROM conferences c WHERE c.status = 'published'"
        " AND (SELECT max(m.ends_at) FROM meetings m WHERE m.conference_id = c.conference_id) <= $1"
        " ORDER BY c.conference_id LIMIT $2 FOR UPDATE SKIP LOCKED",
        now,
        limit,
    )
    return [row["conference_id"] for row in rows]


async def reschedule(conn: asyncpg.Connection, moved: Conference) -> None:
    """New times (every meeting follows the first), and one more SEQUENCE for the calendar entries."""
    await conn.execute(
        "UPDATE conferences SET starts_at = $2, ends_at = $3, sequence = sequence + 1, updated_at = now()"
        " WHERE conference_id = $1",
        moved.conference_id,
        moved.starts_at,
        moved.ends_at,
    )
    await write_schedule(conn, moved.conference_id, moved.schedule)


async def cancel(conn: asyncpg.Connection, conference_id: UUID) -> None:
    """Cancelled, its places all given back (its registrations end in the same transaction)."""
    await conn.execute(
        "UPDATE conferences SET status = 'cancelled', held = 0, updated_at = now() WHERE conference_id = $1",
        conference_id,
    )


async def set_join_url(conn: asyncpg.Connection, conference_id: UUID, url: str) -> None:
    await conn.execute(
        "UPDATE conferences SET join_url = $2, updated_at = now() WHERE conference_id = $1", conference_id, url
    )


async def join_url_of(conn: asyncpg.Connection, conference_id: UUID) -> str | None:
    url: str | None = await conn.fetchval("SELECT join_url FROM conferences WHERE conference_id = $1", conference_id)
    return url


async def hosted_by(conn: asyncpg.Connection, association_id: UUID, limit: int = 200) -> list[Conference]:
    """Every event the association hosts or co-hosts, drafts and past ones too, the latest start first."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM conferences c WHERE c.association_id = $1 OR EXISTS (SELECT 1 FROM conference_hosts h"
        " WHERE h.conference_id = c.conference_id AND h.association_id = $1) ORDER BY c.starts_at DESC LIMIT $2",
        association_id,
        limit,
    )
    return [conference_of(row) for row in rows]


async def add_co_host(conn: asyncpg.Connection, conference_id: UUID, association_id: UUID) -> None:
    await conn.execute(
        "INSERT INTO conference_hosts (conference_id, association_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        conference_id,
        association_id,
    )


async def publish_materials(
    conn: asyncpg.Connection, conference_id: UUID, recording: str | None, slides: str | None
) -> None:
    await conn.execute(
        "UPDATE conferences SET recording_url = $2, slides_url = $3, status = 'materials_published', updated_at = now()"
        " WHERE conference_id = $1",
        conference_id,
        recording,
        slides,
    )


async def materials_of(conn: asyncpg.Connection, conference_id: UUID) -> tuple[str | None, str | None]:
    row = await conn.fetchrow(
        "SELECT recording_url, slides_url FROM conferences WHERE conference_id = $1", conference_id
    )
    return (row["recording_url"], row["slides_url"]) if row else (None, None)


async def edit(
    conn: asyncpg.Connection, conference_id: UUID, *, title: str | None, description: str | None, capacity: int | None
) -> None:
    """What is given changes; what is None stays."""
    await conn.execute(
        "UPDATE conferences SET title = coalesce($2, title), description = coalesce($3, description),"
        " capacity = coalesce($4, capacity), updated_at = now() WHERE conference_id = $1",
        conference_id,
        title,
        description,
        capacity,
    )
