"""SQL for matching's read model of members."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from shared.contracts.membership import MemberJoined


async def upsert_profile(conn: asyncpg.Connection, joined: MemberJoined) -> None:
    await conn.execute(
        "INSERT INTO member_profiles (member_id, association_id, roles, languages, time_zone, conditions,"
        " is_caregiver) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (member_id) DO UPDATE SET roles = EXCLUDED.roles, languages = EXCLUDED.languages,"
        " time_zone = EXCLUDED.time_zone, conditions = EXCLUDED.conditions, is_caregiver = EXCLUDED.is_caregiver,"
        " active = true, updated_at = now()",
        joined.member_id,
        joined.association_id,
        list(joined.roles),
        joined.languages,
        joined.time_zone,
        joined.conditions,
        joined.is_caregiver,
    )


async def deactivate(conn: asyncpg.Connection, member_id: UUID) -> None:
    await conn.execute("UPDATE member_profiles SET active = false, updated_at = now() WHERE member_id = $1", member_id)


async def delete_profile(conn: asyncpg.Connection, member_id: UUID) -> None:
    await conn.execute("DELETE FROM member_profiles WHERE member_id = $1", member_id)
