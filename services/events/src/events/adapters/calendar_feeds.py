"""SQL for people's calendar feeds (by the token's hash) and what a feed lists."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from events.adapters.conferences import COLUMNS, conference_of
from events.domain.conferences import Conference


async def replace(conn: asyncpg.Connection, member_id: UUID, token_hash: bytes) -> None:
    await conn.execute(
        "INSERT INTO calendar_feeds (member_id, token_hash) VALUES ($1, $2) ON CONFLICT (member_id)"
        " DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()",
        member_id,
        token_hash,
    )


async def delete(conn: asyncpg.Connection, member_id: UUID) -> None:
    await conn.execute("DELETE FROM calendar_feeds WHERE member_id = $1", member_id)


async def exists(conn: asyncpg.Connection, member_id: UUID) -> bool:
    found: bool = await conn.fetchval("SELECT EXISTS (SELECT 1 FROM calendar_feeds WHERE member_id = $1)", member_id)
    return found


async def owner(conn: asyncpg.Connection, token_hash: bytes) -> UUID | None:
    member: UUID | None = await conn.fetchval("SELECT member_id FROM calendar_feeds WHERE token_hash = $1", token_hash)
    return member


async def entries(
    conn: asyncpg.Connection, member_id: UUID, since: datetime
) -> list[tuple[Conference, bool, list[int]]]:
    """The events the person has (or had) a place at whose last meeting ends after `since`, each with whether
    their place stands (False: given up or passed on, so calendars take the event out) and the meetings they
    skip; their latest registration each."""
    rows = await conn.fetch(
        f"SELECT DISTINCT ON (c.conference_id) {COLUMNS}, r.status = 'registered' AS holds,"
        " coalesce((SELECT array_agg(s.number) FROM skipped_meetings s WHERE s.registration_id = r.registration_id),"
        " '{}') AS skipped FROM registrations r JOIN conferences c USING (conference_id)"
        " WHERE r.member_id = $1 AND r.status IN ('registered', 'cancelled', 'expired') AND c.status <> 'draft'"
        " AND (SELECT max(m.ends_at) FROM meetings m WHERE m.conference_id = c.conference_id) > $2"
        " ORDER BY c.conference_id, r.created_at DESC",
        member_id,
        since,
    )
    return [
        (conference_of({k: v for k, v in row.items() if k not in {"holds", "skipped"}}), row["holds"], row["skipped"])
        for row in rows
    ]
