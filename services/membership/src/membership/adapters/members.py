"""SQL for members."""

from __future__ import annotations

import asyncpg

from membership.domain.member import JoinMember


async def insert_member(conn: asyncpg.Connection, cmd: JoinMember) -> bool:
    """Store a new member; False when this member id already exists (the command was applied before)."""
    status: str = await conn.execute(
        "INSERT INTO members (member_id, association_id, display_name, email, locale, time_zone, languages,"
        " conditions, roles, is_caregiver) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (member_id) DO NOTHING",
        cmd.member_id,
        cmd.association_id,
        cmd.display_name,
        cmd.email,
        cmd.locale,
        cmd.time_zone,
        cmd.languages,
        cmd.conditions,
        cmd.roles,
        cmd.is_caregiver,
    )
    return status == "INSERT 0 1"
