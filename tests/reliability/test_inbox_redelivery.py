"""(b) Each message delivered 1–5 times, across a consumer restart: exactly one effect per message."""

from __future__ import annotations

import random

import asyncpg
from aiokafka import AIOKafkaProducer

from shared.contracts import Envelope
from shared.messaging import KafkaSettings
from shared.messaging.lag import group_lag
from shared.testing.plugin import Names
from shared.testing.topics import make_topics

from .conftest import member_joined
from .consumers import EFFECTS_TABLE, running_consumer, wait_for_rows

MESSAGES = 300


async def send_all(producer: AIOKafkaProducer, topic: str, envelopes: list[Envelope]) -> None:
    for envelope in envelopes:
        await producer.send(
            topic,
            envelope.model_dump_json().encode(),
            key=envelope.subject.encode(),
            headers=[(k, v.encode()) for k, v in envelope.headers().items()],
        )
    await producer.flush()


async def test_redelivered_messages_have_one_effect(
    pool: asyncpg.Pool, kafka_settings: KafkaSettings, names: Names
) -> None:
    topic, group = names.topic("inbox"), names.group("inbox")
    await make_topics(kafka_settings.bootstrap_servers, topic, f"{topic}.{group}.dlq")
    await pool.execute(EFFECTS_TABLE)
    rng = random.Random(3)
    envelopes = [member_joined() for _ in range(MESSAGES)]
    deliveries = [e for e in envelopes for _ in range(rng.randint(1, 5))]
    rng.shuffle(deliveries)
    assert len(deliveries) > MESSAGES * 2

    producer = AIOKafkaProducer(**kafka_settings.producer_options())
    await producer.start()
    try:
        half = len(deliveries) // 2
        await send_all(producer, topic, deliveries[:half])
        # A first consumer handles some, then leaves; a second one takes over (redelivering what
        # the first had not committed) while the rest arrives.
        async with running_consumer(pool, kafka_settings, topic, group):
            await wait_for_rows(pool, "SELECT count(*) FROM effects", MESSAGES // 4)
        await send_all(producer, topic, deliveries[half:])
    finally:
        await producer.stop()

    async with running_consumer(pool, kafka_settings, topic, group):
        await wait_for_rows(pool, "SELECT count(*) FROM effects", MESSAGES)
        for _ in range(100):
            if await group_lag(kafka_settings.bootstrap_servers, group, [topic]) == 0:
                break

    rows = await pool.fetch("SELECT member_id, count(*) AS n FROM effects GROUP BY member_id")
    assert len(rows) == MESSAGES, "some messages had no effect"
    assert all(row["n"] == 1 for row in rows), "a redelivered message had a second effect"
    assert {str(row["member_id"]) for row in rows} == {e.data["member_id"] for e in envelopes}
