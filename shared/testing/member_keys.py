"""People's data keys read straight from membership's table, for tests that run membership in-process
(no port to fetch them from over HTTP, as consumers do in a deployment: see `shared.protection`)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from shared.protection import UnknownKey, use_key_source


class DatabaseMemberKeys:
    def __init__(self, membership_pool: asyncpg.Pool) -> None:
        self.pool = membership_pool

    async def key_for(self, member_id: UUID) -> bytes:
        key: bytes | None = await self.pool.fetchval("SELECT data_key FROM member_keys WHERE member_id = $1", member_id)
        if key is None:
            raise UnknownKey(str(member_id))
        return bytes(key)


async def act_as_membership(pool: asyncpg.Pool) -> None:
    """Let a test database stand in for membership's as a producer: a `member_keys` table like membership's
    (without its link to accounts), so protected messages can be sealed there, and this process's consumers
    read the keys from it."""
    await pool.execute(
        "CREATE TABLE IF NOT EXISTS member_keys (member_id uuid PRIMARY KEY, data_key bytea NOT NULL,"
        " created_at timestamptz NOT NULL DEFAULT now())"
    )
    use_key_source(DatabaseMemberKeys(pool))
