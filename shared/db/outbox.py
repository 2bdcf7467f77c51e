"""The transactional outbox: a state change and the message describing it commit together.

`enqueue` writes the message in the caller's transaction. `OutboxRelay` publishes what was written:

- woken by LISTEN/NOTIFY as soon as a writer commits, and polling as a fallback (the `NotifiedWorker`
  loop, which checks its listening connection and listens again when it died);
- leadership is proven for every batch: the claim, the sends and the marks run in one transaction that
  first takes a transaction advisory lock, so two relays alive at once (production runs two per
  database) publish batches one after the other, in outbox order and therefore in order per key; a relay
  that lost its connection loses the lock with it;
- a row is marked published only once the broker acknowledged it (acks=all). A row the broker refuses
  for good is parked (`failed_at`, `error`, a metric and an error log) and the rows after it go on; on a
  transient error the rows not yet acknowledged wait and the relay backs off. No acknowledged row is sent
  again; a crash between the acks and the commit may publish a batch twice (consumers dedupe by event_id);
- published rows are purged after `retention`; rows of `UNKEPT_TOPICS` (one-time secrets) at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import uuid4

import asyncpg
from aiokafka import AIOKafkaProducer, errors
from prometheus_client import Counter

from shared.contracts.envelope import Envelope, MessageData, new_envelope
from shared.contracts.topics import UNKEPT_TOPICS
from shared.db.locks import LockKey, try_transaction_lock
from shared.db.notified_worker import NotifiedWorker
from shared.messaging import correlation
from shared.observability import tracing_enabled
from shared.protection import seal

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "outbox"
TOMBSTONE = "tombstone"


async def enqueue(conn: asyncpg.Connection, data: MessageData) -> Envelope:
    """Stage `data` for publication on its topic, inside the caller's transaction; returns its envelope.

    The envelope's source is the topic's owner: only the owner publishes to a topic (its `ServiceSpec`
    declares the topics, and building the spec refuses any it does not own)."""
    correlation_id, causation_id = correlation.current_ids()
    envelope = new_envelope(data, source=data.topic.owner, correlation_id=correlation_id, causation_id=causation_id)
    if data.protected:  # personal and health fields travel sealed under the person's key
        envelope = envelope.model_copy(update={"data": await seal(conn, data)})
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


async def scrub_mentions(conn: asyncpg.Connection, member_id: str) -> int:
    """Delete every outbox row whose payload names the member (`data.member_id`), published or not, whatever
    its key: an erased person's facts about other aggregates (their places at an event) go too."""
    status: str = await conn.execute("DELETE FROM outbox WHERE envelope->'data'->>'member_id' = $1", member_id)
    return int(status.split()[-1])


async def scrub(conn: asyncpg.Connection, key: str) -> int:
    """Delete every outbox row keyed `key`, published or not (an erased person's facts: nothing of them is
    kept here, nor sent now); run in the erasure's transaction, before it stages what announces the erasure."""
    status: str = await conn.execute("DELETE FROM outbox WHERE message_key = $1", key)
    return int(status.split()[-1])


async def pending_count(conn: asyncpg.Connection) -> int:
    """Rows still to publish (parked rows are not waiting: they need an operator)."""
    count: int = await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL AND failed_at IS NULL")
    return count


@dataclass
class RelayConfig:
    batch_size: int = 1000
    poll_interval: float = 1.0
    retention: timedelta = timedelta(days=1)
    purge_interval: float = 600.0
    backoff_max: float = 5.0
    unkept_topics: frozenset[str] = UNKEPT_TOPICS  # their rows are deleted once the broker has them


# What the broker will never accept, however often it is asked: the row is parked, the rest go on. A topic
# that does not exist shows as a metadata timeout on some brokers (retried): topics are created before
# services start.
PERMANENT_PRODUCER_ERRORS: tuple[type[BaseException], ...] = (
    errors.MessageSizeTooLargeError,
    errors.RecordTooLargeError,
    errors.RecordListTooLargeError,
    errors.InvalidTopicError,
    errors.UnknownTopicOrPartitionError,
    errors.TopicAuthorizationFailedError,
    errors.ClusterAuthorizationFailedError,
    errors.PolicyViolationError,
    errors.InvalidMessageError,
    errors.CorruptRecordException,
    errors.UnsupportedForMessageFormatError,
    TypeError,
    ValueError,
)

PARKED = Counter("outbox_rows_parked_total", "Outbox rows the broker refused for good (left as failed)", ["topic"])
PUBLISHED = Counter("outbox_rows_published_total", "Outbox rows the broker acknowledged", ["topic"])


@dataclass(frozen=True)
class BatchResult:
    """What one batch did: rows acknowledged, rows parked for good, and whether a transient error stopped it."""

    published: int = 0
    parked: int = 0
    interrupted: BaseException | None = None
    led: bool = True  # False: another relay holds the leadership now


class OutboxRelay(NotifiedWorker):
    """Publishes one database's outbox to Kafka until `stop()`; see the module docstring."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        producer_options: dict[str, Any],
        config: RelayConfig | None = None,
        *,
        name: str = "outbox-relay",
    ) -> None:
        self.config = config or RelayConfig()
        super().__init__(pool, channel=NOTIFY_CHANNEL, name=name, max_backoff=self.config.backoff_max)
        self.producer_options = {"linger_ms": 5, "max_batch_size": 256 * 1024, **producer_options}
        self.published = 0
        self._producer: AIOKafkaProducer | None = None
        self._backoff = 0.1
        self._last_purge = time.monotonic()

    async def stop(self) -> None:
        await super().stop()
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def drain(self, timeout: float) -> bool:
        """Wait until nothing is waiting in the outbox; False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with self.pool.acquire() as conn:
                if await pending_count(conn) == 0:
                    return True
            self.wake()
            await asyncio.sleep(0.1)
        return False

    async def work(self, listener: asyncpg.Connection) -> float:
        """One batch; idles for the poll interval when the outbox is empty or another relay leads, and backs
        off (without being woken by new rows) while the broker is unreachable."""
        try:
            result = await self.publish_batch(await self._started_producer())
        except (TimeoutError, errors.KafkaError) as error:  # the producer itself could not start
            result = BatchResult(interrupted=error)
        if result.interrupted is not None:
            log.warning("broker unavailable; outbox rows wait", extra={"error": repr(result.interrupted)})
            await self.pause(self._backoff)
            self._backoff = min(self._backoff * 2, self.config.backoff_max)
            return 0.0
        self._backoff = 0.1
        await self._purge_if_due()
        full = result.published + result.parked >= self.config.batch_size
        return 0.0 if full and result.led else self.config.poll_interval

    async def _started_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(**self.producer_options)
            await producer.start()
            self._producer = producer
        return self._producer

    async def publish_batch(self, producer: AIOKafkaProducer) -> BatchResult:
        """Publish the oldest waiting rows, proving leadership for this batch with a transaction lock.

        Rows the broker acknowledged are marked published, rows it refused for good are parked; on a
        transient error the rows not yet acknowledged stay waiting (none acknowledged is ever sent again).
        """
        async with self.pool.acquire() as conn, conn.transaction():
            if not await try_transaction_lock(conn, LockKey.OUTBOX_RELAY):
                return BatchResult(led=False)
            rows = await conn.fetch(
                "SELECT id, topic, message_key, envelope::text AS body, headers FROM outbox"
                " WHERE published_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                self.config.batch_size,
            )
            outcomes = await _send_all(producer, rows)
            acknowledged = [row["id"] for row, outcome in zip(rows, outcomes, strict=True) if outcome is None]
            refused = [
                (row, outcome)
                for row, outcome in zip(rows, outcomes, strict=True)
                if isinstance(outcome, PERMANENT_PRODUCER_ERRORS)
            ]
            transient = next(
                (o for o in outcomes if o is not None and not isinstance(o, PERMANENT_PRODUCER_ERRORS)), None
            )
            await conn.execute("UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", acknowledged)
            unkept = [
                row["id"]
                for row, outcome in zip(rows, outcomes, strict=True)
                if outcome is None and row["topic"] in self.config.unkept_topics
            ]
            if unkept:  # one-time secrets: no copy is kept once the broker has them
                await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", unkept)
            for row, error in refused:
                await _park(conn, row, error)
        for row, outcome in zip(rows, outcomes, strict=True):
            if outcome is None:
                PUBLISHED.labels(row["topic"]).inc()
        self.published += len(acknowledged)
        return BatchResult(published=len(acknowledged), parked=len(refused), interrupted=transient)

    async def _purge_if_due(self) -> None:
        if time.monotonic() - self._last_purge < self.config.purge_interval:
            return
        self._last_purge = time.monotonic()
        async with self.pool.acquire() as conn:
            await purge_published(conn, self.config.retention)


async def _send_all(producer: AIOKafkaProducer, rows: list[asyncpg.Record]) -> list[BaseException | None]:
    """Send every row in order; each one's outcome: None (acknowledged) or the error that stopped it."""
    pending: list[asyncio.Future[Any] | BaseException] = []
    for row in rows:
        try:
            pending.append(
                await producer.send(
                    row["topic"],
                    value=None if row["body"] is None else row["body"].encode(),
                    key=row["message_key"].encode(),
                    headers=[(k, str(v).encode()) for k, v in row["headers"].items()],
                )
            )
        except Exception as error:  # refused before it left (too large, bad topic, broker unreachable)
            pending.append(error)
    outcomes: list[BaseException | None] = []
    for item in pending:
        if isinstance(item, BaseException):
            outcomes.append(item)
            continue
        try:
            await item
            outcomes.append(None)
        except Exception as error:
            outcomes.append(error)
    return outcomes


async def _park(conn: asyncpg.Connection, row: asyncpg.Record, error: BaseException) -> None:
    reason = f"{type(error).__name__}: {error}"[:2000]
    await conn.execute("UPDATE outbox SET failed_at = now(), error = $2 WHERE id = $1", row["id"], reason)
    PARKED.labels(row["topic"]).inc()
    log.error(
        "outbox row refused by the broker for good; parked as failed",
        extra={"outbox_id": row["id"], "topic": row["topic"], "error": reason},
    )


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
