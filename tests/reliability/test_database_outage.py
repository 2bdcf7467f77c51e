"""A consumer's database is unreachable for 8 s, or for a minute, while messages arrive: nothing is
dead-lettered (an outage is not the message's fault) and every message is applied, once, afterwards.

The consumer reaches PostgreSQL through a fault-injecting proxy; cutting it closes every connection and
refuses new ones, as a fail-over or a network partition would.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from shared.contracts.topics import dead_letter_topic
from shared.db.pool import create_pool
from shared.embedded import free_port
from shared.messaging import KafkaSettings
from shared.testing.plugin import Names
from shared.testing.proxy import FaultyProxy, through
from shared.testing.topics import make_topics, read_topic

from .conftest import member_joined
from .consumers import EFFECTS_TABLE, running_consumer, wait_for_rows

MESSAGES = 6


@pytest.mark.parametrize("outage", [pytest.param(8.0, id="8s"), pytest.param(60.0, id="60s", marks=pytest.mark.slow)])
async def test_a_database_outage_dead_letters_nothing_and_loses_nothing(
    pool: asyncpg.Pool, database_url: str, kafka_settings: KafkaSettings, names: Names, outage: float
) -> None:
    topic, group = names.topic("db-outage"), names.group("db-outage")
    await make_topics(kafka_settings.bootstrap_servers, topic, dead_letter_topic(topic, group))
    await pool.execute(EFFECTS_TABLE)
    proxy = FaultyProxy(free_port(), urlsplit(database_url).port or 5432)
    await proxy.start()
    proxied = await create_pool(through(database_url, proxy.listen_port), max_size=4)
    producer = AIOKafkaProducer(**kafka_settings.producer_options())
    await producer.start()
    try:
        async with running_consumer(proxied, kafka_settings, topic, group):
            first = member_joined()  # the consumer is up and applying before the outage
            await producer.send_and_wait(topic, first.model_dump_json().encode(), key=b"k0")
            await wait_for_rows(pool, "SELECT count(*) FROM effects", 1)

            await proxy.cut()
            for n in range(MESSAGES):
                await producer.send_and_wait(topic, member_joined().model_dump_json().encode(), key=f"k{n}".encode())
            await asyncio.sleep(outage)
            await proxy.restore()

            applied = await wait_for_rows(pool, "SELECT count(*) FROM effects", MESSAGES + 1, timeout=90)
    finally:
        await producer.stop()
        await proxied.close()
        await proxy.stop()

    assert applied == MESSAGES + 1
    await asyncio.sleep(1)
    assert await pool.fetchval("SELECT count(*) FROM effects") == MESSAGES + 1  # each once
    dead = await read_topic(kafka_settings.bootstrap_servers, dead_letter_topic(topic, group), until=bool, timeout=2)
    assert dead == [], f"{len(dead)} good messages were dead-lettered during the outage"
