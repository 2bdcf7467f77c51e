"""(b) Each message delivered 1–5 times, across a consumer restart: exactly one effect per message; and a
consumer process SIGKILLed inside its effect's transaction, again and again, loses no effect and applies
none twice (so neither acking before the effect nor committing the inbox row apart from it would pass)."""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import sys
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer

from shared.contracts import Envelope
from shared.embedded.process import spawn
from shared.messaging import KafkaSettings
from shared.messaging.lag import group_lag
from shared.testing.eventually import eventually
from shared.testing.infrastructure import KafkaServer
from shared.testing.plugin import Names
from shared.testing.topics import make_topics

from .conftest import member_joined
from .consumers import EFFECTS_TABLE, running_consumer, wait_for_rows
from .slow_consumer import APPLICATION, LINGER_MARK

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


SLOW_CONSUMER = Path(__file__).with_name("slow_consumer.py")
AUTO_COMMIT_SECONDS = 5  # aiokafka's auto_commit_interval_ms, used by FastStream's ACK_FIRST


def start_consumer(database_url: str, kafka: KafkaServer, topic: str, group: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_PROFILE": kafka.profile,
        "TOPIC": topic,
        "GROUP": group,
    }
    return spawn([sys.executable, str(SLOW_CONSUMER)], env=env, log_path=log)


async def inside_an_effect(pool: asyncpg.Pool) -> bool:
    """The consumer holds a transaction open: its effect and inbox row are written, not yet committed."""
    found: bool = await pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = $1"
        " AND datname = current_database() AND state = 'idle in transaction')",
        APPLICATION,
    )
    return found


async def test_a_consumer_killed_inside_its_effect_loses_nothing_and_repeats_nothing(
    pool: asyncpg.Pool, database_url: str, kafka: KafkaServer, names: Names, tmp_path: Path
) -> None:
    topic, group = names.topic("inbox-kill"), names.group("inbox-kill")
    await make_topics(kafka.bootstrap_servers, topic, f"{topic}.{group}.dlq")
    await pool.execute(EFFECTS_TABLE)
    envelopes = [member_joined() for _ in range(200)]
    for n in (20, 90, 160):  # three messages whose effect lingers: the kills land inside their transactions
        envelopes[n] = envelopes[n].model_copy(update={"data": {**envelopes[n].data, "birth_year": LINGER_MARK}})
    settings = KafkaSettings(bootstrap_servers=kafka.bootstrap_servers, profile=kafka.profile)  # type: ignore[arg-type]
    producer = AIOKafkaProducer(**settings.producer_options())
    await producer.start()
    try:
        await send_all(producer, topic, envelopes)
    finally:
        await producer.stop()

    kills = 0
    log = tmp_path / "consumer.log"
    while kills < 3:
        consumer = start_consumer(database_url, kafka, topic, group, log)
        try:
            await eventually(lambda: inside_an_effect(pool), timeout=90, interval=0.01, what="a lingering effect")
            # Past an auto-commit interval inside the effect: a consumer that acked first has committed the
            # offset of the message whose effect is now killed, so that message would be lost.
            await asyncio.sleep(AUTO_COMMIT_SECONDS + 0.5)
        finally:
            consumer.send_signal(signal.SIGKILL)
            consumer.wait()
        kills += 1

    final = start_consumer(database_url, kafka, topic, group, log)
    try:
        await wait_for_rows(pool, "SELECT count(*) FROM effects", len(envelopes), timeout=120)
        await asyncio.sleep(1)  # time for a second effect to show up
    finally:
        final.send_signal(signal.SIGTERM)
        final.wait(30)

    rows = await pool.fetch("SELECT member_id, count(*) AS n FROM effects GROUP BY member_id")
    assert {str(row["member_id"]) for row in rows} == {e.data["member_id"] for e in envelopes}, "an effect was lost"
    assert all(row["n"] == 1 for row in rows), "a message killed mid-effect had a second effect"
