"""SQL for weekly availability windows (minutes since local midnight, in the member's time zone)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from membership.domain.availability import Window


async def windows_of(conn: asyncpg.Connection, member_id: UUID) -> list[Window]:
    rows = await conn.fetch(
        "SELECT weekday, start_minute, end_minute FROM availability_windows WHERE member_id = $1"
        " ORDER BY weekday, start_minute",
        member_id,
    )
    return [Window.from_minutes(row["weekday"], row["start_minute"], row["end_minute"]) for row in rows]


async def replace_windows(conn: asyncpg.Connection, member_id: UUID, windows: list[Window]) -> None:
    await conn.execute("DELETE FROM availability_windows WHERE member_id = $1", member_id)
    await conn.executemany(
        "INSERT INTO availability_windows (member_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)",
        [(member_id, w.weekday, w.start_minute, w.end_minute) for w in windows],
    )
