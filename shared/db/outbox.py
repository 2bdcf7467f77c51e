"""The transactional outbox: a state change and the message describing it commit together.

`enqueue` writes the message in the caller's transaction. `OutboxRelay` publishes what was written:

- woken by LISTEN/NOTIFY as soon as a writer commits, and polling as a fallback;
- one relay per database is active at a time (a session advisory lock, taken over at once when its
  holder dies), which keeps publication in outbox order and therefore in order per key; rows are
  still claimed with FOR UPDATE SKIP LOCKED so a relay that lost its lock can never double-claim;
- a batch is marked published only after the broker acknowledged every message of it (acks=all);
  if the broker is unreachable the transaction rolls back, the rows wait, and the relay retries
  with backoff: nothing is lost, some messages may be published twice (consumers dedupe by event_id);
- published rows are purged after `retention`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import uuid4

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from shared.contracts.envelope import Envelope, MessageData, new_envelope
from shared.messaging import correlation
from shared.observability import tracing_enabled

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "outbox"
_LOCK_KEY = 0x6F7574626F78  # "outbox": one relay leader per database
TOMBSTONE = "tombstone"


async def enqueue(conn: asyncpg.Connection, data: MessageData) -> Envelope:
    """Stage `data` for publication on its topic, inside the caller's transaction; returns its envelope.

    The envelope's source is the topic's owner: only the owner publishes to a topic (its `ServiceSpec`
    declares the topics, and building the spec refuses any it does not own)."""
    correlation_id, causation_id = correlation.current_ids()
    envelope = new_envelope(data, source=data.topic.owner, correlation_id=correlation_id, causation_id=causation_id)
    await enqueue_envelope(conn, data.topic, envelope)
    return envelope


async def enqueue_envelope(conn: asyncpg.Connection, topic: str, envelope: Envelope) -> None:
    """Stage an already built envelope on `topic` (the key is its subject)."""
    if not conn.is_in_transaction():
        raise RuntimeError("enqueue must run inside the transaction that makes the change")
    headers = envelope.headers()
    if tracing_enabled():
        from opentelemetry import propagate

        propagate.inject(headers)
    await conn.execute(
        "INSERT INTO outbox (event_id, topic, message_key, event_type, envelope, headers)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        envelope.event_id,
        topic,
        envelope.subject,
        envelope.event_type,
        envelope.model_dump(mode="json"),
        headers,
    )


async def enqueue_tombstone(conn: asyncpg.Connection, topic: str, key: str) -> None:
    """Stage a tombstone for `key` on a compacted topic: the broker drops the key's earlier records."""
    if not conn.is_in_transaction():
        raise RuntimeError("enqueue must run inside the transaction that makes the change")
    event_id = uuid4()
    await conn.execute(
        "INSERT INTO outbox (event_id, topic, message_key, event_type, envelope, headers)"
        " VALUES ($1, $2, $3, $4, NULL, $5)",
        event_id,
        topic,
        key,
        TOMBSTONE,
        {"event_id": str(event_id), "event_type": TOMBSTONE},
    )


async def pending_count(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
    return count


@dataclass
class RelayConfig:
    batch_size: int = 1000
    poll_interval: float = 1.0
    retention: timedelta = timedelta(days=1)
    purge_interval: float = 600.0
    backoff_max: float = 5.0


class OutboxRelay:
    """Publishes one database's outbox to Kafka until `stop()`; see the module docstring."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        producer_options: dict[str, Any],
        config: RelayConfig | None = None,
        *,
        name: str = "outbox-relay",
    ) -> None:
        self.pool = pool
        self.producer_options = {"linger_ms": 5, "max_batch_size": 256 * 1024, **producer_options}
        self.config = config or RelayConfig()
        self.name = name
        self.published = 0
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_purge = time.monotonic()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=self.name)

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def drain(self, timeout: float) -> bool:
        """Wait until nothing is waiting in the outbox; False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with self.pool.acquire() as conn:
                if await pending_count(conn) == 0:
                    return True
            self._wake.set()
            await asyncio.sleep(0.1)
        return False

    async def run(self) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            try:
                await self._lead_and_publish()
                return
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, KafkaError) as error:
                log.warning("outbox relay interrupted; retrying", extra={"error": repr(error), "delay": backoff})
                await self._pause(backoff)
                backoff = min(backoff * 2, self.config.backoff_max)

    # -- internals ---------------------------------------------------------------------------
    async def _lead_and_publish(self) -> None:
        async with self.pool.acquire() as listener:
            await listener.add_listener(NOTIFY_CHANNEL, self._on_notify)
            try:
                while not await listener.fetchval("SELECT pg_try_advisory_lock($1)", _LOCK_KEY):
                    if await self._sleep(self.config.poll_interval):
                        return
                try:
                    await self._publish_loop()
                finally:
                    with contextlib.suppress(Exception):
                        await listener.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
            finally:
                with contextlib.suppress(Exception):
                    await listener.remove_listener(NOTIFY_CHANNEL, self._on_notify)

    async def _publish_loop(self) -> None:
        producer = AIOKafkaProducer(**self.producer_options)
        await producer.start()
        backoff = 0.1
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                try:
                    sent = await self.publish_batch(producer)
                    backoff = 0.1
                except (TimeoutError, KafkaError) as error:
                    log.warning("broker unavailable; outbox rows wait", extra={"error": repr(error)})
                    await self._pause(backoff)
                    backoff = min(backoff * 2, self.config.backoff_max)
                    continue
                await self._purge_if_due()
                if sent < self.config.batch_size:
                    await self._sleep(self.config.poll_interval)
        finally:
            await producer.stop()

    async def publish_batch(self, producer: AIOKafkaProducer) -> int:
        """Publish the oldest waiting rows; marks them published only once all are acknowledged."""
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT id, topic, message_key, envelope::text AS body, headers FROM outbox"
                " WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                self.config.batch_size,
            )
            if not rows:
                return 0
            deliveries = [
                await producer.send(
                    row["topic"],
                    value=None if row["body"] is None else row["body"].encode(),
                    key=row["message_key"].encode(),
                    headers=[(k, str(v).encode()) for k, v in row["headers"].items()],
                )
                for row in rows
            ]
            await asyncio.gather(*deliveries)
            await conn.execute(
                "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", [row["id"] for row in rows]
            )
        self.published += len(rows)
        return len(rows)

    async def _purge_if_due(self) -> None:
        if time.monotonic() - self._last_purge < self.config.purge_interval:
            return
        self._last_purge = time.monotonic()
        async with self.pool.acquire() as conn:
            await purge_published(conn, self.config.retention)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _pause(self, seconds: float) -> None:
        """Back off for `seconds`: new rows do not cut it short, only a stop does."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _sleep(self, seconds: float) -> bool:
        """Sleep until woken, stopped or `seconds` pass; True when stopping."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        return self._stopping.is_set()


async def purge_published(conn: asyncpg.Connection, retention: timedelta) -> int:
    """Delete rows published longer ago than `retention`, in bounded chunks so no lock is held long."""
    total = 0
    while True:
        status: str = await conn.execute(
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at < now() - $1::interval"
            " LIMIT 5000)",
            retention,
        )
        deleted = int(status.split()[-1])
        total += deleted
        if deleted < 5000:
            return total
