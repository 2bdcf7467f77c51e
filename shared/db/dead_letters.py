"""Dead letters kept in the consumer's own database, beside the dead-letter topic: listed, read and
replayed by operators with `fellowship-dlq` (see `shared.messaging.dlq`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg


@dataclass(frozen=True)
class DeadLetter:
    consumer_group: str
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]
    error: str
    attempts: int


@dataclass(frozen=True)
class StoredDeadLetter(DeadLetter):
    id: int
    dead_at: datetime
    replayed_at: datetime | None


_COLUMNS = (
    'id, consumer_group, topic, partition, "offset", message_key AS key, value, headers, error, attempts,'
    " dead_at, replayed_at"
)


async def keep(pool: asyncpg.Pool, letter: DeadLetter) -> None:
    """Record a dead letter once (a redelivered one is not recorded again)."""
    await pool.execute(
        'INSERT INTO dead_letters (consumer_group, topic, partition, "offset", message_key, value, headers, error,'
        " attempts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
        letter.consumer_group,
        letter.topic,
        letter.partition,
        letter.offset,
        letter.key,
        letter.value,
        letter.headers,
        letter.error,
        letter.attempts,
    )


async def select(
    conn: asyncpg.Connection,
    *,
    group: str | None = None,
    topic: str | None = None,
    since: datetime | None = None,
    ids: list[int] | None = None,
    include_replayed: bool = True,
) -> list[StoredDeadLetter]:
    """Dead letters matching every filter given, oldest first."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM dead_letters WHERE ($1::text IS NULL OR consumer_group = $1)"
        " AND ($2::text IS NULL OR topic = $2) AND ($3::timestamptz IS NULL OR dead_at >= $3)"
        " AND ($4::bigint[] IS NULL OR id = ANY($4)) AND ($5 OR replayed_at IS NULL) ORDER BY id",
        group,
        topic,
        since,
        ids,
        include_replayed,
    )
    return [StoredDeadLetter(**dict(row)) for row in rows]


async def mark_replayed(conn: asyncpg.Connection, ids: list[int]) -> None:
    await conn.execute("UPDATE dead_letters SET replayed_at = now() WHERE id = ANY($1::bigint[])", ids)
