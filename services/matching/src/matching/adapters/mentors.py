"""SQL for a mentor's places: `load` counts proposals waiting for an answer and active mentorships.

A place is only ever taken by `reserve_place`, whose `load < capacity` condition is re-checked under the
row lock, so concurrent matchers can never give a mentor more mentees than their capacity.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def reserve_place(conn: asyncpg.Connection, member_id: UUID, association_id: UUID) -> bool:
    """Take one place if the mentor has one free and is not paused; False when not."""
    status: str = await conn.execute(
        "UPDATE mentors SET load = load + 1 WHERE member_id = $1 AND association_id = $2"
        " AND load < capacity AND NOT paused",
        member_id,
        association_id,
    )
    return status == "UPDATE 1"


async def release_place(conn: asyncpg.Connection, member_id: UUID, association_id: UUID) -> None:
    """Give one place back (a proposal withdrawn or expired, a mentorship ended)."""
    await conn.execute(
        "UPDATE mentors SET load = load - 1 WHERE member_id = $1 AND association_id = $2 AND load > 0",
        member_id,
        association_id,
    )
