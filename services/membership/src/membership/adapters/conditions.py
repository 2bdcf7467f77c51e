"""SQL for a member's condition profile (ICD-10 codes with year of diagnosis) and free-text health notes."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from membership.domain.conditions import MemberCondition


async def conditions_of(conn: asyncpg.Connection, member_id: UUID) -> list[MemberCondition]:
    rows = await conn.fetch(
        "SELECT code, diagnosed_year FROM member_conditions WHERE member_id = $1 ORDER BY code", member_id
    )
    return [MemberCondition(code=row["code"], diagnosed_year=row["diagnosed_year"]) for row in rows]


async def replace_conditions(conn: asyncpg.Connection, member_id: UUID, conditions: list[MemberCondition]) -> None:
    await conn.execute("DELETE FROM member_conditions WHERE member_id = $1", member_id)
    await conn.executemany(
        "INSERT INTO member_conditions (member_id, code, diagnosed_year) VALUES ($1, $2, $3)",
        [(member_id, c.code, c.diagnosed_year) for c in conditions],
    )


async def health_notes_of(conn: asyncpg.Connection, member_id: UUID) -> str | None:
    notes: str | None = await conn.fetchval("SELECT health_notes FROM accounts WHERE member_id = $1", member_id)
    return notes


async def set_health_notes(conn: asyncpg.Connection, member_id: UUID, notes: str | None) -> None:
    await conn.execute("UPDATE accounts SET health_notes = $2 WHERE member_id = $1", member_id, notes)
