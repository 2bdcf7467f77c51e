"""PostgreSQL advisory locks, one key per kind of singleton work, in one place.

- `try_transaction_lock`: held until the caller's transaction ends, so whoever holds it proves it on the
  very connection doing the work (the outbox relay takes it inside every claim/publish/mark transaction).
- `session_lock`: held on a pooled connection for the length of a block (the matcher's round, where only
  efficiency depends on it).
A lock on a connection that dies is released at once by the server; TCP keepalives and the timeouts of
`shared.db.pool` bound how long a black-holed connection can keep one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import IntEnum

import asyncpg


class LockKey(IntEnum):
    OUTBOX_RELAY = 0x6F7574626F78  # "outbox": one relay publishes a database's outbox at a time
    MATCHER = 0x6D6174636865  # "matche": one solver round at a time per database


async def try_transaction_lock(conn: asyncpg.Connection, key: LockKey) -> bool:
    """Take `key` for the rest of the caller's transaction; False when another session holds it."""
    if not conn.is_in_transaction():
        raise RuntimeError("a transaction lock needs the transaction that does the work")
    held: bool = await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", int(key))
    return held


@asynccontextmanager
async def session_lock(pool: asyncpg.Pool, key: LockKey) -> AsyncIterator[bool]:
    """Try `key` on a connection of its own for the block; yields whether it is held (then released)."""
    async with pool.acquire() as conn:
        held: bool = await conn.fetchval("SELECT pg_try_advisory_lock($1)", int(key))
        try:
            yield held
        finally:
            if held and not conn.is_closed():
                await conn.execute("SELECT pg_advisory_unlock($1)", int(key))
