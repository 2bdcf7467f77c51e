"""What the benchmarks share: throw-away infrastructure, databases, topics, messages and the report.

Each benchmark starts its own PostgreSQL (fsync off, in a temporary directory) and its own embedded
Kafka-protocol broker, both on free ports of 127.0.0.1, and stops them however it ends.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

from shared.contracts.envelope import Envelope, new_envelope
from shared.contracts.membership import MemberJoined
from shared.db.migrations import apply_migrations
from shared.db.provision import ensure_database
from shared.embedded import EmbeddedBroker, EmbeddedPostgres, free_port
from shared.messaging.topics import TopicSpec, create_topics
from shared.testing.eventually import eventually

PARTITIONS = 6  # the platform's default (deploy/kafka/topics.toml)
DEADLINE_SECONDS = 45.0  # no single wait in a benchmark may take longer than this


@dataclass(frozen=True)
class Infrastructure:
    postgres: EmbeddedPostgres
    broker: EmbeddedBroker

    @property
    def admin_url(self) -> str:
        return self.postgres.url

    @property
    def bootstrap_servers(self) -> str:
        return self.broker.bootstrap_servers


@contextmanager
def embedded_infrastructure() -> Iterator[Infrastructure]:
    """PostgreSQL and the broker, started for the duration of the block and always stopped after it."""
    with tempfile.TemporaryDirectory(prefix="fellowship-bench-") as directory:
        postgres = EmbeddedPostgres(Path(directory), free_port(), durable=False)
        broker = EmbeddedBroker(free_port())
        try:
            postgres.start()
            broker.start()
            yield Infrastructure(postgres, broker)
        finally:
            broker.stop()
            postgres.stop()


async def create_database(admin_url: str, name: str) -> str:
    """A fresh service database with the shared migrations (outbox, inbox) applied; returns its URL."""
    url = await ensure_database(admin_url, name, password="bench")
    await asyncio.to_thread(apply_migrations, url)
    return url


async def create_topic(bootstrap_servers: str, name: str, partitions: int = PARTITIONS) -> None:
    created = await create_topics(bootstrap_servers, [TopicSpec(name, partitions, replication_factor=1)])
    if created != [name]:
        raise RuntimeError(f"topic {name} already existed: benchmarks need topics of their own")


def member_joined_envelopes(count: int, *, associations: int = 20) -> list[Envelope]:
    """`count` realistic MemberJoined envelopes, each with its own event id and member, over a few tenants."""
    tenants = [uuid4() for _ in range(associations)]
    return [
        new_envelope(
            MemberJoined(
                member_id=uuid4(),
                association_id=tenants[i % associations],
                roles=["member", "mentor"] if i % 7 == 0 else ["member"],
                languages=["fr", "en"],
                time_zone="Europe/Paris",
                conditions=["G43.1", "M79.7"] if i % 3 == 0 else ["G43.1"],
                is_caregiver=i % 5 == 0,
            ),
            source="membership",
            correlation_id=str(uuid4()),
        )
        for i in range(count)
    ]


@dataclass(frozen=True, slots=True)
class Record:
    """One Kafka message as the client sends it."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]

    @classmethod
    def from_envelope(cls, envelope: Envelope) -> Record:
        return cls(
            key=envelope.subject.encode(),
            value=envelope.model_dump_json().encode(),
            headers=[(name, value.encode()) for name, value in envelope.headers().items()],
        )


async def produce_in_batches(producer: AIOKafkaProducer, topic: str, records: Sequence[Record]) -> None:
    """The fastest raw aiokafka path: records grouped by their key's partition (the default partitioner,
    as `send()` would pick), packed into `create_batch()` batches, one `send_batch()` stream per
    partition running concurrently; returns once the broker acknowledged every batch."""
    partitions = sorted(await producer.partitions_for(topic))
    partitioner = DefaultPartitioner()
    by_partition: dict[int, list[Record]] = defaultdict(list)
    for record in records:
        by_partition[partitioner(record.key, partitions, partitions)].append(record)

    async def send_partition(partition: int, batch_records: list[Record]) -> None:
        deliveries: list[asyncio.Future[object]] = []
        batch = producer.create_batch()
        for record in batch_records:
            if batch.append(key=record.key, value=record.value, timestamp=None, headers=record.headers) is None:
                deliveries.append(await producer.send_batch(batch, topic, partition=partition))
                batch = producer.create_batch()
                if batch.append(key=record.key, value=record.value, timestamp=None, headers=record.headers) is None:
                    raise ValueError("a record larger than max_batch_size")
        if batch.record_count():
            deliveries.append(await producer.send_batch(batch, topic, partition=partition))
        await asyncio.gather(*deliveries)

    await asyncio.gather(*(send_partition(p, rs) for p, rs in by_partition.items()))


async def wait_until(
    condition: Callable[[], Awaitable[bool]], *, what: str, interval: float = 0.01, timeout: float = DEADLINE_SECONDS
) -> float:
    """Poll `condition` every `interval` seconds until it holds; returns time.perf_counter() at that moment."""
    await eventually(condition, timeout=timeout, interval=interval, what=what)
    return time.perf_counter()


@dataclass(frozen=True)
class Throughput:
    """`messages` handled in `seconds` of wall time, of which `cpu_seconds` in this (the client) process."""

    label: str
    messages: int
    seconds: float
    cpu_seconds: float
    note: str = ""

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds

    @property
    def cpu_ms_per_message(self) -> float:
        return self.cpu_seconds * 1000 / self.messages


def print_table(title: str, rows: Sequence[Throughput], *, unit: str = "msg") -> None:
    header = f"{'path':<46} {unit + 's':>8} {'seconds':>8} {unit + 's/s':>8} {'client CPU ms/' + unit:>17}  note"
    print(f"\n{title}\n{header}\n{'-' * len(header)}")
    for row in rows:
        print(
            f"{row.label:<46} {row.messages:>8} {row.seconds:>8.3f} {row.per_second:>8,.0f}"
            f" {row.cpu_ms_per_message:>17.3f}  {row.note}"
        )
    print()


def cpu_times() -> tuple[int, int]:
    """The machine's (total, stolen) CPU time so far, in clock ticks; (0, 0) where /proc/stat is not there."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0, 0
    ticks = [int(f) for f in fields[:8]]  # user nice system idle iowait irq softirq steal
    return sum(ticks), ticks[7] if len(ticks) > 7 else 0


def print_steal(since: tuple[int, int]) -> None:
    """How much of the machine's CPU time the host took for other guests since `since` (cpu_times()): on a
    busy host both sides slow down and the ratio moves, so a run with much stolen time is worth repeating."""
    total, stolen = (now - then for now, then in zip(cpu_times(), since, strict=True))
    if total > 0:
        print(f"CPU time stolen by the host during the measurement: {stolen / total:.0%}")


def print_ratio(name: str, ours: Throughput, baseline: Throughput) -> None:
    print(f"RATIO {name}: {ours.per_second / baseline.per_second:.2f}")
