"""SQL for erasing a person: their account row goes (everything personal cascades), a bare record stays."""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def erase_account(conn: asyncpg.Connection, member_id: UUID, erased_by: UUID) -> None:
    """Delete the account with its memberships, conditions, availability, mentor profiles, consents and tokens."""
    await conn.execute("DELETE FROM accounts WHERE member_id = $1", member_id)
    await conn.execute(
        "INSERT INTO erasures (member_id, erased_by) VALUES ($1, $2) ON CONFLICT (member_id) DO NOTHING",
        member_id,
        erased_by,
    )
