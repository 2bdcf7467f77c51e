"""Use case: a person joins an association."""

from __future__ import annotations

import asyncpg

from membership.adapters.members import insert_member
from membership.domain.member import JoinMember
from shared.db.outbox import enqueue

SOURCE = "membership"


async def join_member(pool: asyncpg.Pool, cmd: JoinMember) -> bool:
    """Store the member and stage `member.joined` and the contact record in the same transaction.

    Idempotent on the member id: returns False, and publishes nothing, when it was already applied.
    """
    async with pool.acquire() as conn, conn.transaction():
        if not await insert_member(conn, cmd):
            return False
        await enqueue(conn, cmd.joined(), source=SOURCE)
        await enqueue(conn, cmd.contact(), source=SOURCE)
    return True
