"""(c) The broker is unreachable for 10 s while changes commit: all are published after it returns.

A fault-injecting proxy sits between every client and a broker of this test's own, and the broker
advertises the proxy's address, so cutting the proxy cuts every connection, as a real outage would.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from uuid import UUID

import asyncpg
import pytest

from shared.db.outbox import OutboxRelay, RelayConfig, enqueue_envelope, pending_count
from shared.embedded import EmbeddedBroker, free_port
from shared.messaging import KafkaSettings
from shared.testing.plugin import Names
from shared.testing.proxy import FaultyProxy
from shared.testing.topics import make_topics, read_topic

from .conftest import member_joined

OUTAGE_SECONDS = 10.0


@pytest.fixture
async def proxied_broker() -> AsyncIterator[tuple[FaultyProxy, str]]:
    proxy_port = free_port()
    broker = EmbeddedBroker(free_port(), advertised_port=proxy_port)
    broker.start()
    proxy = FaultyProxy(proxy_port, broker.port)
    await proxy.start()
    try:
        yield proxy, broker.bootstrap_servers
    finally:
        await proxy.stop()
        broker.stop()


async def commit_changes(pool: asyncpg.Pool, topic: str, seconds: float) -> list[UUID]:
    committed = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        envelope = member_joined()
        async with pool.acquire() as conn, conn.transaction():
            await enqueue_envelope(conn, topic, envelope)
        committed.append(envelope.event_id)
        await asyncio.sleep(0.02)
    return committed


async def test_changes_committed_during_an_outage_are_published_after_it(
    pool: asyncpg.Pool, proxied_broker: tuple[FaultyProxy, str], names: Names
) -> None:
    proxy, bootstrap = proxied_broker
    topic = names.topic("outage")
    await make_topics(bootstrap, topic)
    settings = KafkaSettings(bootstrap_servers=bootstrap, profile="embedded")
    relay = OutboxRelay(pool, settings.producer_options(), RelayConfig(poll_interval=0.2))
    await relay.start()
    try:
        writer = asyncio.create_task(commit_changes(pool, topic, OUTAGE_SECONDS + 4))
        await asyncio.sleep(2)
        await proxy.cut()
        await asyncio.sleep(OUTAGE_SECONDS)
        async with pool.acquire() as conn:
            waiting_during_outage = await pending_count(conn)
        await proxy.restore()
        committed = await writer
        drained = await relay.drain(timeout=90)
    finally:
        await relay.stop()

    assert waiting_during_outage > 0, "nothing waited in the outbox: the outage did not reach the relay"
    assert drained, "the outbox did not empty after the broker came back"
    wanted = set(committed)
    records = await read_topic(
        bootstrap, topic, until=lambda rs: wanted <= {UUID(json.loads(r.value)["event_id"]) for r in rs}
    )
    published = {UUID(json.loads(r.value)["event_id"]) for r in records}
    assert wanted <= published, f"{len(wanted - published)} of {len(wanted)} committed changes were lost"
