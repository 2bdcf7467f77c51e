"""SQL for events' view of members: people (with condition codes) and their memberships."""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def upsert_person(conn: asyncpg.Connection, member_id: UUID, conditions: list[str]) -> None:
    await conn.execute(
        "INSERT INTO people (member_id, conditions) VALUES ($1, $2)"
        " ON CONFLICT (member_id) DO UPDATE SET conditions = EXCLUDED.conditions, updated_at = now()",
        member_id,
        sorted(set(conditions)),
    )


async def set_conditions(conn: asyncpg.Connection, member_id: UUID, conditions: list[str]) -> None:
    """Only for a person already known (facts about people arrive after their first join)."""
    await conn.execute(
        "UPDATE people SET conditions = $2, updated_at = now() WHERE member_id = $1", member_id, sorted(set(conditions))
    )


async def upsert_membership(
    conn: asyncpg.Connection, member_id: UUID, association_id: UUID, roles: list[str], *, active: bool
) -> None:
    await conn.execute(
        "INSERT INTO memberships (member_id, association_id, roles, active) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (member_id, association_id) DO UPDATE"
        " SET roles = EXCLUDED.roles, active = EXCLUDED.active, updated_at = now()",
        member_id,
        association_id,
        roles,
        active,
    )


async def deactivate_membership(conn: asyncpg.Connection, member_id: UUID, association_id: UUID) -> None:
    await conn.execute(
        "UPDATE memberships SET active = false, updated_at = now() WHERE member_id = $1 AND association_id = $2",
        member_id,
        association_id,
    )


async def set_roles(conn: asyncpg.Connection, member_id: UUID, association_id: UUID, roles: list[str]) -> None:
    await conn.execute(
        "UPDATE memberships SET roles = $3, updated_at = now() WHERE member_id = $1 AND association_id = $2",
        member_id,
        association_id,
        roles,
    )


async def delete_person(conn: asyncpg.Connection, member_id: UUID) -> None:
    """Everything about the person (their memberships go with them)."""
    await conn.execute("DELETE FROM people WHERE member_id = $1", member_id)
