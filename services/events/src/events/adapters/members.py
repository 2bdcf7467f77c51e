"""SQL for events' view of members: people (with condition codes) and their memberships."""

from __future__ import annotations

from datetime import time
from uuid import UUID

import asyncpg


async def upsert_person(
    conn: asyncpg.Connection, member_id: UUID, conditions: list[str], *, health_data: bool, time_zone: str
) -> None:
    await conn.execute(
        "INSERT INTO people (member_id, conditions, health_data, time_zone) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (member_id) DO UPDATE SET conditions = EXCLUDED.conditions,"
        " health_data = EXCLUDED.health_data, time_zone = EXCLUDED.time_zone, updated_at = now()",
        member_id,
        sorted(set(conditions)) if health_data else [],
        health_data,
        time_zone,
    )


async def set_time_zone(conn: asyncpg.Connection, member_id: UUID, time_zone: str) -> None:
    await conn.execute(
        "UPDATE people SET time_zone = $2, updated_at = now() WHERE member_id = $1", member_id, time_zone
    )


async def time_zone_of(conn: asyncpg.Connection, member_id: UUID) -> str | None:
    zone: str | None = await conn.fetchval("SELECT time_zone FROM people WHERE member_id = $1", member_id)
    return zone


async def set_quiet_hours(conn: asyncpg.Connection, member_id: UUID, starts: time | None, ends: time | None) -> None:
    """The person's own quiet hours (both None: none). Only for a person events knows (as their time zone):
    a fact arriving after their erasure brings nothing of them back."""
    await conn.execute(
        "UPDATE people SET quiet_starts = $2, quiet_ends = $3, updated_at = now() WHERE member_id = $1",
        member_id,
        starts,
        ends,
    )


async def nights_of(conn: asyncpg.Connection, member_id: UUID) -> tuple[str | None, time | None, time | None]:
    """The person's time zone and their own quiet hours, each None when not known."""
    row = await conn.fetchrow("SELECT time_zone, quiet_starts, quiet_ends FROM people WHERE member_id = $1", member_id)
    return (row["time_zone"], row["quiet_starts"], row["quiet_ends"]) if row else (None, None, None)


async def set_health_data_consent(conn: asyncpg.Connection, member_id: UUID, granted: bool) -> None:
    """Withdrawn, the person's condition codes go: without the consent events may not use them."""
    await conn.execute(
        "UPDATE people SET health_data = $2, conditions = CASE WHEN $2 THEN conditions ELSE '{}' END,"
        " updated_at = now() WHERE member_id = $1",
        member_id,
        granted,
    )


async def matching_members(
    conn: asyncpg.Connection, associations: list[UUID], codes: list[str]
) -> list[tuple[UUID, UUID]]:
    """(member id, association id) of the active members of `associations` who consented to the use of their
    health data and have a condition related to one of `codes` by the ICD-10 hierarchy: the same code, or
    one within the other (a person with G43.1 for an event about G43, and one with G43 for G43.1). Once per
    person, with the first of their associations among the hosts."""
    rows = await conn.fetch(
        "SELECT DISTINCT ON (p.member_id) p.member_id, m.association_id FROM people p"
        " JOIN memberships m ON m.member_id = p.member_id AND m.active AND m.association_id = ANY($1::uuid[])"
        " WHERE p.health_data AND EXISTS (SELECT 1 FROM unnest(p.conditions) AS mine, unnest($2::text[]) AS its"
        " WHERE starts_with(mine, its) OR starts_with(its, mine))"
        " ORDER BY p.member_id, array_position($1::uuid[], m.association_id)",
        associations,
        codes,
    )
    return [(row["member_id"], row["association_id"]) for row in rows]


async def codes_of(conn: asyncpg.Connection, member_id: UUID) -> list[str]:
    """The person's condition codes, while they consent to the use of their health data (else none)."""
    codes = await conn.fetchval("SELECT conditions FROM people WHERE member_id = $1 AND health_data", member_id)
    return list(codes or [])


async def set_conditions(conn: asyncpg.Connection, member_id: UUID, conditions: list[str]) -> None:
    """Only for a person already known (facts about people arrive after their first join), and kept only
    while they consent to the use of their health data."""
    await conn.execute(
        "UPDATE people SET conditions = $2, updated_at = now() WHERE member_id = $1 AND health_data",
        member_id,
        sorted(set(conditions)),
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


async def holding_role(conn: asyncpg.Connection, members: list[UUID], associations: list[UUID], role: str) -> set[UUID]:
    """Which of `members` hold `role` in one of `associations` (as membership last said)."""
    rows = await conn.fetch(
        "SELECT DISTINCT member_id FROM memberships WHERE member_id = ANY($1::uuid[])"
        " AND association_id = ANY($2::uuid[]) AND active AND $3 = ANY(roles)",
        members,
        associations,
        role,
    )
    return {row["member_id"] for row in rows}
