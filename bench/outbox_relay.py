"""Outbox relay throughput against the fastest raw aiokafka producer, on the embedded broker.

What is measured
    ours      `OutboxRelay` publishing a backlog of N outbox rows (MemberJoined envelopes written as
              `enqueue_envelope` writes them): from `start()` until `pending_count()` reads 0, i.e.
              every row was read from PostgreSQL, published with acks=all, acknowledged and marked
              published in its transaction. Producer start-up and leader election are included.
    baseline  a raw `AIOKafkaProducer` with the relay's own producer options (acks=all, linger_ms,
              max_batch_size) publishing the same N bodies, keys and headers, read from the outbox
              beforehand, to another topic with as many partitions: records grouped by the key's
              partition (the default partitioner, as `send()` picks it), packed with `create_batch()`
              and sent with `send_batch()`, one stream per partition. Producer start-up is included.
              It runs three times; the median counts (a run is short, so a single one is noisy).
"client CPU ms/msg" is the CPU time of this Python process (the clients) per message
during the window; PostgreSQL and the broker run in other processes on the same cores.
Staging the rows is not measured. Both paths are warmed up once with a small run first.

How to read the ratio
    RATIO outbox_relay_vs_raw_batch = relay msgs/s / raw msgs/s. 1.00 would mean the relay costs
    nothing over the broker and client; the gap is what reading, marking and per-message `send()`
    cost. Compare ratios between runs on the same machine, never the absolute rates.

Run: .venv/bin/python bench/outbox_relay.py
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import replace
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import murmur2
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

from shared.contracts.envelope import Envelope
from shared.db.outbox import OutboxRelay, enqueue_envelope, pending_count
from shared.db.pool import create_pool
from shared.messaging.settings import KafkaSettings

MESSAGES = 50_000
WARM_UP_MESSAGES = 1_000
STAGING_TRANSACTION_ROWS = 500
RAW_RUNS = 3
PENDING_POLL_SECONDS = 0.02

RELAY_TOPIC = "bench.relay.v1"
RAW_TOPIC = "bench.raw.v1"

# The statement and values of shared.db.outbox.enqueue_envelope, sent with executemany so that
# staging 50,000 rows takes seconds less; the warm-up rows go through enqueue_envelope itself.
_OUTBOX_INSERT = (
    "INSERT INTO outbox (event_id, topic, message_key, event_type, envelope, headers) VALUES ($1, $2, $3, $4, $5, $6)"
)


async def stage_with_enqueue(pool: asyncpg.Pool, topic: str, envelopes: list[Envelope]) -> None:
    async with pool.acquire() as conn:
        for start in range(0, len(envelopes), STAGING_TRANSACTION_ROWS):
            async with conn.transaction():
                for envelope in envelopes[start : start + STAGING_TRANSACTION_ROWS]:
                    await enqueue_envelope(conn, topic, envelope)


async def stage_quickly(pool: asyncpg.Pool, topic: str, envelopes: list[Envelope]) -> None:
    async with pool.acquire() as conn:
        for start in range(0, len(envelopes), STAGING_TRANSACTION_ROWS):
            async with conn.transaction():
                await conn.executemany(
                    _OUTBOX_INSERT,
                    [
                        (e.event_id, topic, e.subject, e.event_type, e.model_dump(mode="json"), e.headers())
                        for e in envelopes[start : start + STAGING_TRANSACTION_ROWS]
                    ],
                )
        # A settled table (statistics, visibility map) as autovacuum would leave it, so that it does
        # not start in the middle of the measurement.
        await conn.execute("VACUUM ANALYZE outbox")


async def pending_records(pool: asyncpg.Pool) -> list[Record]:
    """The waiting rows exactly as the relay will send them (body, key, headers)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT message_key, envelope::text AS body, headers FROM outbox WHERE published_at IS NULL ORDER BY id"
        )
    return [
        Record(
            key=row["message_key"].encode(),
            value=row["body"].encode(),
            headers=[(name, str(value).encode()) for name, value in row["headers"].items()],
        )
        for row in rows
    ]


async def time_relay(pool: asyncpg.Pool, producer_options: dict[str, Any], expected: int) -> tuple[Throughput, int]:
    """Publish the whole outbox with a fresh relay; returns the throughput and the relay's batch size."""
    relay = OutboxRelay(pool, producer_options, name="bench-outbox-relay")
    async with pool.acquire() as conn:

        async def drained() -> bool:
            return await pending_count(conn) == 0

        started, cpu_started = time.perf_counter(), time.process_time()
        await relay.start()
        try:
            finished = await wait_until(drained, what="the relay emptying the outbox", interval=PENDING_POLL_SECONDS)
            cpu = time.process_time() - cpu_started
        finally:
            await relay.stop()
    if relay.published != expected:
        raise RuntimeError(f"the relay published {relay.published} messages, expected {expected}")
    batch_size = relay.config.batch_size
    label = "OutboxRelay (PostgreSQL -> broker)"
    return Throughput(label, expected, finished - started, cpu, f"RelayConfig.batch_size={batch_size}"), batch_size


async def time_raw(producer_options: dict[str, Any], topic: str, records: list[Record]) -> Throughput:
    started, cpu_started = time.perf_counter(), time.process_time()
    producer = AIOKafkaProducer(**producer_options)
    await producer.start()
    try:
        await produce_in_batches(producer, topic, records)
        finished, cpu = time.perf_counter(), time.process_time() - cpu_started
    finally:
        await producer.stop()
    return Throughput("raw aiokafka create_batch/send_batch", len(records), finished - started, cpu)


async def run(infrastructure: Infrastructure) -> None:
    settings = KafkaSettings(bootstrap_servers=infrastructure.bootstrap_servers, profile="embedded")
    url = await create_database(infrastructure.admin_url, "bench_outbox")
    await create_topic(infrastructure.bootstrap_servers, RELAY_TOPIC)
    await create_topic(infrastructure.bootstrap_servers, RAW_TOPIC)
    pool = await create_pool(url)
    try:
        # The raw producer gets exactly the options the relay gives its own producer.
        relay_producer_options = OutboxRelay(pool, settings.producer_options()).producer_options

        await stage_with_enqueue(pool, RELAY_TOPIC, member_joined_envelopes(WARM_UP_MESSAGES))
        warm_up_records = await pending_records(pool)
        await time_relay(pool, settings.producer_options(), WARM_UP_MESSAGES)
        await time_raw(relay_producer_options, RAW_TOPIC, warm_up_records)

        await stage_quickly(pool, RELAY_TOPIC, member_joined_envelopes(MESSAGES))
        records = await pending_records(pool)
        relay, batch_size = await time_relay(pool, settings.producer_options(), MESSAGES)
        raw_runs = [await time_raw(relay_producer_options, RAW_TOPIC, records) for _ in range(RAW_RUNS)]
    finally:
        await pool.close()

    raw = sorted(raw_runs, key=lambda run: run.seconds)[RAW_RUNS // 2]
    hashing_started = time.perf_counter()
    for record in records:
        murmur2(record.key)
    hashing = time.perf_counter() - hashing_started

    body_bytes = statistics.mean(len(record.value) for record in records)
    print_table(
        f"Outbox relay vs raw batch producer: {MESSAGES:,} MemberJoined envelopes (~{body_bytes:.0f} B bodies),"
        f" {PARTITIONS} partitions, acks=all, embedded broker",
        [
            relay,
            *(
                replace(run, label=f"{run.label} #{i}", note="median: counted" if run is raw else "")
                for i, run in enumerate(raw_runs, 1)
            ),
        ],
    )
    print(f"relay batch size: {batch_size} rows per claim/publish/mark transaction")
    options = {name: value for name, value in relay_producer_options.items() if name != "bootstrap_servers"}
    print(f"producer options (both paths): {options}")
    print(f"key hashing (pure-Python murmur2, inside both timings): {hashing * 1000:.0f} ms for {MESSAGES:,} keys")
    print_ratio("outbox_relay_vs_raw_batch", relay, raw)


def main() -> None:
    with embedded_infrastructure() as infrastructure:
        asyncio.run(run(infrastructure))


if __name__ == "__main__":
    main()
