"""Topic definitions from `deploy/kafka/topics.toml`, and the `fellowship-topics` command that creates
them (`create`) and prints what a topic holds (`show`).

Topics are created explicitly before services start; nothing relies on auto-creation (the embedded
broker auto-creates with 4 partitions, so a typo would otherwise go unnoticed).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.contracts.topics import dead_letter_topic

log = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "deploy" / "kafka" / "topics.toml"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int
    configs: dict[str, str] = field(default_factory=dict)
    owner: str | None = None


@dataclass(frozen=True)
class TopicPlan:
    """Every topic the platform uses: the owned topics, then one dead-letter topic per (topic, group)."""

    topics: tuple[TopicSpec, ...]
    groups: dict[str, tuple[str, ...]]

    def names(self) -> list[str]:
        return [t.name for t in self.topics]


def load_plan(path: Path = DEFAULT_FILE, *, prefix: str = "") -> TopicPlan:
    """Read the topics file. `prefix` renames every topic (tests use it to get topics of their own)."""
    raw = tomllib.loads(path.read_text())
    defaults: dict[str, Any] = raw.get("defaults", {})
    topics: list[TopicSpec] = []
    for name, spec in raw["topics"].items():
        configs = {"retention.ms": str(spec.get("retention_ms", defaults.get("retention_ms", 604800000)))}
        if "cleanup_policy" in spec:
            configs["cleanup.policy"] = spec["cleanup_policy"]
        if "segment_ms" in spec:  # how soon a segment closes, so retention can delete it
            configs["segment.ms"] = str(spec["segment_ms"])
        topics.append(
            TopicSpec(
                name=prefix + name,
                partitions=int(spec.get("partitions", defaults.get("partitions", 6))),
                replication_factor=int(spec.get("replication_factor", defaults.get("replication_factor", 1))),
                configs=configs,
                owner=spec.get("owner"),
            )
        )
    groups = {group: tuple(prefix + t for t in spec["topics"]) for group, spec in raw.get("groups", {}).items()}
    dlq_retention = str(defaults.get("dlq_retention_ms", 2419200000))
    for group, names in groups.items():
        for name in names:
            source = next(t for t in topics if t.name == name)
            topics.append(
                TopicSpec(
                    name=dead_letter_topic(name, group),
                    partitions=source.partitions,
                    replication_factor=source.replication_factor,
                    configs={"retention.ms": dlq_retention},
                )
            )
    return TopicPlan(tuple(topics), groups)


async def create_topics(
    bootstrap_servers: str,
    topics: list[TopicSpec],
    *,
    replication_factor: int | None = None,
    request_timeout_ms: int = 30_000,
) -> list[str]:
    """Create the topics that do not exist yet; returns the names it created. Safe to run again."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=request_timeout_ms)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        created: list[str] = []
        for spec in missing:
            new = NewTopic(
                spec.name, spec.partitions, replication_factor or spec.replication_factor, topic_configs=spec.configs
            )
            try:
                await admin.create_topics([new])
                created.append(spec.name)
            except TopicAlreadyExistsError:
                pass  # created concurrently by another instance
        return created
    finally:
        await admin.close()


async def read_all(bootstrap: str, topic: str) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record `topic` holds now, partition by partition, without joining a consumer group."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=50)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            raise SystemExit(f"topic {topic!r} does not exist on {bootstrap}")
        consumer.assign(partitions)
        await consumer.seek_to_beginning()
        ends = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord[bytes, bytes]] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


def describe(record: ConsumerRecord[bytes, bytes]) -> str:
    """One line per record: partition/offset, key, type and payload (a tombstone has no value)."""
    key = record.key.decode() if record.key else "-"
    if record.value is None:
        return f"{record.partition}/{record.offset} {key} tombstone"
    headers = {name: value.decode() for name, value in record.headers}
    return f"{record.partition}/{record.offset} {key} {headers.get('event_type', '?')} {record.value.decode()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fellowship-topics", description="Create and inspect Fellowship's topics.")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="print every record a topic holds now, one per line")
    show.add_argument("topic")
    show.add_argument("--bootstrap-servers", default="127.0.0.1:19092")
    show.add_argument("--key", help="only records with this key (e.g. a member id)")
    create = sub.add_parser("create", help="create every topic in the file that does not exist yet")
    create.add_argument("--file", type=Path, default=DEFAULT_FILE)
    create.add_argument("--bootstrap-servers", required=True)
    create.add_argument(
        "--replication-factor",
        type=int,
        default=None,
        help="override the file's factor (1 for a single-broker cluster)",
    )
    args = parser.parse_args(argv)
    if args.command == "show":
        for record in asyncio.run(read_all(args.bootstrap_servers, args.topic)):
            if args.key is None or (record.key or b"").decode() == args.key:
                print(describe(record))
        return
    plan = load_plan(args.file)
    created = asyncio.run(
        create_topics(args.bootstrap_servers, list(plan.topics), replication_factor=args.replication_factor)
    )
    print(f"{len(created)} topics created, {len(plan.topics) - len(created)} already present")


if __name__ == "__main__":
    main()
