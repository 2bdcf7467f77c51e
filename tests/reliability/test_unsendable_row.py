"""A row the broker refuses for good (here: a record larger than the producer may send) is parked as
failed with its error; the rows before and after it are published exactly once and the relay goes on."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from uuid import UUID

import asyncpg

from shared.db.outbox import OutboxRelay, RelayConfig, enqueue_envelope
from shared.messaging import KafkaSettings
from shared.testing.plugin import Names
from shared.testing.topics import make_topics, read_topic

from .conftest import member_joined, outbox_settled


async def test_a_row_refused_for_good_is_parked_and_its_neighbours_are_sent_once(
    pool: asyncpg.Pool, kafka_settings: KafkaSettings, names: Names
) -> None:
    topic = names.topic("unsendable")
    await make_topics(kafka_settings.bootstrap_servers, topic)
    before, huge, after = member_joined(), member_joined(), member_joined()
    huge = huge.model_copy(update={"data": {**huge.data, "padding": "x" * 2_000_000}})  # over the 1 MB limit
    async with pool.acquire() as conn, conn.transaction():
        for envelope in (before, huge, after):
            await enqueue_envelope(conn, topic, envelope)
    relay = OutboxRelay(pool, kafka_settings.producer_options(), RelayConfig(poll_interval=0.1, backoff_max=0.2))
    await relay.start()
    try:
        await outbox_settled(pool)
        later = member_joined()
        async with pool.acquire() as conn, conn.transaction():
            await enqueue_envelope(conn, topic, later)
        await outbox_settled(pool)
        await asyncio.sleep(2)  # time for any re-send to show up
    finally:
        await relay.stop()

    wanted = {before.event_id, after.event_id, later.event_id}
    records = await read_topic(
        kafka_settings.bootstrap_servers,
        topic,
        until=lambda rs: wanted <= {UUID(json.loads(r.value)["event_id"]) for r in rs},
    )
    copies = Counter(UUID(json.loads(r.value)["event_id"]) for r in records)
    assert copies == {before.event_id: 1, after.event_id: 1, later.event_id: 1}
    parked = await pool.fetchrow("SELECT published_at, failed_at, error FROM outbox WHERE event_id = $1", huge.event_id)
    assert parked["published_at"] is None and parked["failed_at"] is not None
    assert "MessageSizeTooLarge" in parked["error"]
