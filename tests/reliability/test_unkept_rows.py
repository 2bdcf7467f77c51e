"""Rows of topics that carry one-time secrets (sign-in codes, reset links) leave the outbox as soon as the
broker has them; rows of other topics stay until the outbox's retention, as before."""

from __future__ import annotations

import json
from uuid import UUID

import asyncpg

from shared.db.outbox import OutboxRelay, RelayConfig, enqueue_envelope
from shared.messaging import KafkaSettings
from shared.testing.plugin import Names
from shared.testing.topics import make_topics, read_topic

from .conftest import member_joined, outbox_settled


async def test_a_secret_is_published_once_and_no_copy_stays_in_the_outbox(
    pool: asyncpg.Pool, kafka_settings: KafkaSettings, names: Names
) -> None:
    secrets_topic, kept_topic = names.topic("secrets"), names.topic("kept")
    await make_topics(kafka_settings.bootstrap_servers, secrets_topic, kept_topic)
    secret, kept = member_joined(), member_joined()
    async with pool.acquire() as conn, conn.transaction():
        await enqueue_envelope(conn, secrets_topic, secret)
        await enqueue_envelope(conn, kept_topic, kept)
    config = RelayConfig(poll_interval=0.1, backoff_max=0.2, unkept_topics=frozenset({secrets_topic}))
    relay = OutboxRelay(pool, kafka_settings.producer_options(), config)
    await relay.start()
    try:
        await outbox_settled(pool)
    finally:
        await relay.stop()

    records = await read_topic(kafka_settings.bootstrap_servers, secrets_topic, until=lambda rs: len(rs) >= 1)
    assert [UUID(json.loads(r.value)["event_id"]) for r in records] == [secret.event_id]
    stored = {row["event_id"] for row in await pool.fetch("SELECT event_id FROM outbox")}
    assert secret.event_id not in stored, "a published secret must not stay in the outbox"
    assert kept.event_id in stored, "other rows stay until the retention"
