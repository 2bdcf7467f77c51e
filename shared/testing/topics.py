"""Reading and writing whole topics in tests, without a consumer group."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from shared.messaging.topics import TopicSpec, create_topics

Records = list[ConsumerRecord[bytes, bytes]]


async def make_topics(bootstrap: str, *names: str, partitions: int = 4) -> None:
    """Create test topics explicitly (the embedded broker would auto-create them with 4 partitions)."""
    await create_topics(bootstrap, [TopicSpec(n, partitions, 1) for n in names])


async def read_topic(bootstrap: str, topic: str, *, until: Callable[[Records], bool], timeout: float = 60.0) -> Records:
    """Every record of `topic` from the start, read until `until(records)` holds or `timeout` passes."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest", fetch_max_wait_ms=50
    )
    await consumer.start()
    records: Records = []
    try:
        partitions = sorted(consumer.partitions_for_topic(topic) or ())
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        await consumer.seek_to_beginning()
        deadline = asyncio.get_running_loop().time() + timeout
        while not until(records) and asyncio.get_running_loop().time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=200)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()
