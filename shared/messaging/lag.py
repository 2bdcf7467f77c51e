"""Consumer-group lag: how far each group's committed offsets trail the end of its topics.

End-offset look-ups are unreliable on the embedded broker (EMBEDDED_BROKER.md), so the high
watermark is taken from a fetch, which both brokers answer correctly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


async def high_watermarks(
    bootstrap_servers: str, topics: Iterable[str], timeout: float = 10.0
) -> dict[TopicPartition, int]:
    """The high watermark of every partition of `topics`, learned by fetching from each."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=20,
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        if not partitions:
            return {}
        consumer.assign(partitions)
        marks: dict[TopicPartition, int] = {}
        deadline = asyncio.get_running_loop().time() + timeout
        while len(marks) < len(partitions) and asyncio.get_running_loop().time() < deadline:
            await consumer.getmany(timeout_ms=100, max_records=1)
            for tp in partitions:
                mark = consumer.highwater(tp)
                if mark is not None:
                    marks[tp] = mark
                    consumer.pause(tp)
        return marks
    finally:
        await consumer.stop()


async def group_lag(bootstrap_servers: str, group: str, topics: Iterable[str]) -> int:
    """Messages on `topics` that `group` has not committed yet (0 when it has caught up)."""
    topics = list(topics)
    marks = await high_watermarks(bootstrap_servers, topics)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group, partitions=list(marks))
    finally:
        await admin.close()
    lag = 0
    for tp, mark in marks.items():
        meta = committed.get(tp)
        position = meta.offset if meta is not None and meta.offset >= 0 else 0
        lag += max(0, mark - position)
    return lag
