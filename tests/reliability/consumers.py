"""A real consumer built the way services build theirs: broker factory, subscriber defaults, inbox."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
from faststream.kafka import KafkaBroker

from shared.contracts import Envelope
from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberJoined
from shared.db.dead_letters import keep
from shared.db.inbox import apply_once
from shared.messaging import KafkaSettings, make_broker, subscriber
from shared.testing.eventually import eventually

# No unique constraint: a second effect of the same message would show as a second row.
EFFECTS_TABLE = "CREATE TABLE effects (member_id uuid NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"

Effect = Callable[[asyncpg.Connection, MessageData], Awaitable[None]]


async def record_effect(conn: asyncpg.Connection, data: MessageData) -> None:
    """The effect under test: one row per applied `member.joined` (each test message has its own member)."""
    assert isinstance(data, MemberJoined)
    await conn.execute("INSERT INTO effects (member_id) VALUES ($1)", data.member_id)


@contextlib.asynccontextmanager
async def running_consumer(
    pool: asyncpg.Pool, settings: KafkaSettings, topic: str, group: str, effect: Effect = record_effect
) -> AsyncIterator[KafkaBroker]:
    """A started broker whose one subscriber applies `effect` once per event id; dead letters are kept in
    `pool`'s database too, as services keep them."""
    broker = make_broker(settings, service="reliability-test", keep_dead_letter=functools.partial(keep, pool))

    @subscriber(broker, topic, group=group, settings=settings)
    async def handle(envelope: Envelope) -> None:
        await apply_once(pool, group, envelope, effect)

    await broker.start()
    try:
        yield broker
    finally:
        await broker.stop()


async def wait_for_rows(pool: asyncpg.Pool, query: str, expected: int, timeout: float = 60.0) -> int:
    """Poll `query` (a count) until it reaches `expected` (AssertionError after `timeout`); returns the count."""
    count: int = await eventually(
        lambda: pool.fetchval(query), until=lambda n: n >= expected, timeout=timeout, interval=0.1
    )
    return count
