"""SQL for the directory of members notifications can reach."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from shared.contracts.membership import ContactUpdated, MemberJoined


async def upsert_contact(conn: asyncpg.Connection, contact: ContactUpdated) -> None:
    await conn.execute(
        "INSERT INTO directory (member_id, association_id, display_name, email, locale) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (member_id) DO UPDATE SET display_name = EXCLUDED.display_name, email = EXCLUDED.email,"
        " locale = EXCLUDED.locale, updated_at = now()",
        contact.member_id,
        contact.association_id,
        contact.display_name,
        contact.email,
        contact.locale,
    )


async def upsert_membership(conn: asyncpg.Connection, joined: MemberJoined) -> None:
    await conn.execute(
        "INSERT INTO directory (member_id, association_id, time_zone) VALUES ($1, $2, $3)"
        " ON CONFLICT (member_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, active = true, updated_at = now()",
        joined.member_id,
        joined.association_id,
        joined.time_zone,
    )


async def deactivate(conn: asyncpg.Connection, member_id: UUID) -> None:
    await conn.execute("UPDATE directory SET active = false, updated_at = now() WHERE member_id = $1", member_id)


async def forget(conn: asyncpg.Connection, member_id: UUID) -> None:
    await conn.execute("DELETE FROM directory WHERE member_id = $1", member_id)
