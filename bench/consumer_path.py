"""Our consumer path against a raw aiokafka loop doing the same SQL, on the embedded broker.

What is measured
    N MemberJoined envelopes (distinct event ids) wait on a topic of 6 partitions. Each side reads
    all of them as one consumer of a fresh group into a database of its own, applying per message,
    in one PostgreSQL transaction, the inbox record and one effect row
    (`INSERT INTO effects (member_id, association_id)`), then committing the offset.
    ours      `make_broker` (correlation, Prometheus and retry/dead-letter middlewares) with one
              `subscriber(...)` whose handler takes `envelope: Envelope` and calls `apply_once`
              (payload validated into MemberJoined, pool connection, inbox INSERT, effect INSERT);
              FastStream commits after the handler returns (AckPolicy.NACK_ON_ERROR).
    baseline  an `AIOKafkaConsumer` loop with the same group settings (earliest, session_timeout_ms
              2000, heartbeat 200, fetch_max_wait_ms 20, no auto-commit) that json-decodes the body,
              runs the same inbox INSERT … ON CONFLICT DO NOTHING and effect INSERT in one transaction
              on one connection, then commits the message's offset: the same guarantee as ours.
Each side reads the topic twice, in the order ours, raw, raw, ours (so that a drift during the run
weighs on both alike), each time with a new group and emptied tables; a side's figure is the sum
of its two runs. Throughput is counted from the moment the first message reaches the handler (or
the loop) until the effects table holds N rows, polled every 50 ms: the group join is excluded
from both sides the same way; the time from start, join included, is printed in the note.
"client CPU ms/msg" is the CPU time of this Python process (the clients) per message during the
window; PostgreSQL and the broker run in other processes on the same two cores. Both sides are
warmed up first with a small run on another topic and group, after which their tables are emptied.

How to read the ratio
    RATIO consumer_path_vs_raw_loop = ours msgs/s / raw msgs/s. 1.00 would mean FastStream, the
    middlewares, envelope validation and the pool cost nothing over a hand-written loop; the gap is
    their per-message overhead. Compare ratios between runs on the same machine, never absolute rates.

Run: .venv/bin/python bench/consumer_path.py
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from infrastructure import (
    PARTITIONS,
    Infrastructure,
    Record,
    Throughput,
    create_database,
    create_topic,
    embedded_infrastructure,
    member_joined_envelopes,
    print_ratio,
    print_table,
    produce_in_batches,
    wait_until,
)

from shared.contracts.envelope import Envelope, MessageData
from shared.contracts.membership import MemberJoined
from shared.db.inbox import apply_once
from shared.db.pool import create_pool
from shared.messaging.broker import make_broker, subscriber
from shared.messaging.settings import KafkaSettings

MESSAGES = 10_000
WARM_UP_MESSAGES = 500
EFFECTS_POLL_SECONDS = 0.05

TOPIC = "bench.consumer.v1"
WARM_UP_TOPIC = "bench.consumer-warm-up.v1"

EFFECTS_TABLE = "CREATE TABLE effects (member_id uuid PRIMARY KEY, association_id uuid NOT NULL)"
EFFECT_INSERT = "INSERT INTO effects (member_id, association_id) VALUES ($1, $2)"
INBOX_INSERT = "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"


@dataclass(frozen=True)
class Instant:
    wall: float
    cpu: float

    @classmethod
    def now(cls) -> Instant:
        return cls(time.perf_counter(), time.process_time())


@dataclass(frozen=True)
class Timing:
    started: Instant
    first_message: Instant
    finished: Instant

    def throughput(self, label: str, messages: int) -> Throughput:
        """Counted from the first message; the group join and the first fetch are only in the note."""
        join = self.first_message.wall - self.started.wall
        whole = self.finished.wall - self.started.wall
        note = f"join+first fetch {join:.2f} s; from start {whole:.2f} s = {messages / whole:,.0f} msgs/s"
        return Throughput(
            label,
            messages,
            self.finished.wall - self.first_message.wall,
            self.finished.cpu - self.first_message.cpu,
            note,
        )


Consume = Callable[[KafkaSettings, str, str, str, int], Awaitable[Timing]]


async def effects_reach(url: str, expected: int, failed: Callable[[], None] = lambda: None) -> Instant:
    """Wait until the effects table holds `expected` rows; returns when that was seen."""
    monitor = await asyncpg.connect(url)
    try:

        async def complete() -> bool:
            failed()
            count: int = await monitor.fetchval("SELECT count(*) FROM effects")
            return count >= expected

        await wait_until(complete, what=f"{expected} effect rows", interval=EFFECTS_POLL_SECONDS)
        return Instant.now()
    finally:
        await monitor.close()


async def consume_ours(settings: KafkaSettings, url: str, topic: str, group: str, expected: int) -> Timing:
    pool = await create_pool(url)
    broker = make_broker(settings, service="bench")
    first_message: list[Instant] = []

    async def insert_effect(conn: asyncpg.Connection, data: MessageData) -> None:
        assert isinstance(data, MemberJoined)
        await conn.execute(EFFECT_INSERT, data.member_id, data.association_id)

    @subscriber(broker, topic, group=group, settings=settings)
    async def handle(envelope: Envelope) -> None:
        if not first_message:
            first_message.append(Instant.now())
        await apply_once(pool, group, envelope, insert_effect)

    try:
        started = Instant.now()
        await broker.start()
        try:
            finished = await effects_reach(url, expected)
        finally:
            await broker.stop()
    finally:
        await pool.close()
    return Timing(started, first_message[0], finished)


async def consume_raw(settings: KafkaSettings, url: str, topic: str, group: str, expected: int) -> Timing:
    conn = await asyncpg.connect(url)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.bootstrap_servers,
        client_id=settings.client_id,
        group_id=group,
        enable_auto_commit=False,
        **settings.consumer_options(),
    )
    first_message: list[Instant] = []

    async def loop() -> None:
        async for record in consumer:
            if not first_message:
                first_message.append(Instant.now())
            assert record.value is not None
            body = json.loads(record.value)
            async with conn.transaction():
                if await conn.execute(INBOX_INSERT, group, body["event_id"]) == "INSERT 0 1":
                    await conn.execute(EFFECT_INSERT, body["data"]["member_id"], body["data"]["association_id"])
            await consumer.commit({TopicPartition(record.topic, record.partition): record.offset + 1})

    def failed() -> None:
        if task.done():
            task.result()  # raises what stopped the loop
            raise RuntimeError("the consumer loop ended early")

    try:
        started = Instant.now()
        await consumer.start()
        task = asyncio.create_task(loop())
        try:
            finished = await effects_reach(url, expected, failed)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await consumer.stop()
    finally:
        await conn.close()
    return Timing(started, first_message[0], finished)


async def prepare_database(admin_url: str, name: str) -> str:
    url = await create_database(admin_url, name)
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(EFFECTS_TABLE)
    finally:
        await conn.close()
    return url


async def empty_tables(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("TRUNCATE effects, inbox")
        await conn.execute("VACUUM ANALYZE effects, inbox")
    finally:
        await conn.close()


async def seed(settings: KafkaSettings, topic: str, count: int) -> None:
    await create_topic(settings.bootstrap_servers, topic)
    producer = AIOKafkaProducer(**settings.producer_options())
    await producer.start()
    try:
        await produce_in_batches(producer, topic, [Record.from_envelope(e) for e in member_joined_envelopes(count)])
    finally:
        await producer.stop()


@dataclass(frozen=True)
class Side:
    name: str
    label: str
    consume: Consume


SIDES = {
    "ours": Side("ours", "ours: FastStream subscriber + apply_once", consume_ours),
    "raw": Side("raw", "raw: AIOKafkaConsumer loop, same SQL", consume_raw),
}
ORDER = ("ours", "raw", "raw", "ours")  # ABBA: a drift over the run weighs on both sides alike


def total(label: str, runs: list[Throughput]) -> Throughput:
    return Throughput(
        label,
        sum(r.messages for r in runs),
        sum(r.seconds for r in runs),
        sum(r.cpu_seconds for r in runs),
        "all runs of this side",
    )


async def run(infrastructure: Infrastructure) -> None:
    settings = KafkaSettings(bootstrap_servers=infrastructure.bootstrap_servers, profile="embedded")
    await seed(settings, WARM_UP_TOPIC, WARM_UP_MESSAGES)
    await seed(settings, TOPIC, MESSAGES)

    urls: dict[str, str] = {}
    for side in SIDES.values():
        urls[side.name] = await prepare_database(infrastructure.admin_url, f"bench_{side.name}")
        await side.consume(settings, urls[side.name], WARM_UP_TOPIC, f"bench-{side.name}-warm-up", WARM_UP_MESSAGES)
        await empty_tables(urls[side.name])

    measured: list[tuple[str, Throughput]] = []
    for attempt, name in enumerate(ORDER, 1):
        side = SIDES[name]
        timing = await side.consume(settings, urls[name], TOPIC, f"bench-{name}-{attempt}", MESSAGES)
        await empty_tables(urls[name])
        measured.append((name, timing.throughput(f"{side.label} #{attempt}", MESSAGES)))

    ours, raw = (total(SIDES[side].label, [t for name, t in measured if name == side]) for side in ("ours", "raw"))
    print_table(
        f"Consumer path vs raw loop: {MESSAGES:,} MemberJoined envelopes per run, {PARTITIONS} partitions, one"
        " consumer, commit after each message; msgs/s counted from the first message (group join excluded)",
        [*(throughput for _, throughput in measured), ours, raw],
    )
    print_ratio("consumer_path_vs_raw_loop", ours, raw)


def main() -> None:
    with embedded_infrastructure() as infrastructure:
        asyncio.run(run(infrastructure))


if __name__ == "__main__":
    main()
