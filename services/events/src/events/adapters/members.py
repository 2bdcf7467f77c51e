"""SQL for events' view of members."""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def upsert_member(conn: asyncpg.Connection, member_id: UUID, association_id: UUID, *, active: bool) -> None:
    await conn.execute(
        "INSERT INTO members (member_id, association_id, active) VALUES ($1, $2, $3)"
        " ON CONFLICT (member_id) DO UPDATE SET active = EXCLUDED.active, updated_at = now()",
        member_id,
        association_id,
        active,
    )


async def delete_member(conn: asyncpg.Connection, member_id: UUID) -> None:
    await conn.execute("DELETE FROM members WHERE member_id = $1", member_id)
