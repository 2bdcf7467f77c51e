"""(a) The relay is killed at random points while 1,200 changes commit: every committed change is
published at least once, in order per key; nothing from a rolled-back transaction is."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
import sys
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg

from shared.db.outbox import enqueue_envelope, pending_count
from shared.embedded.process import spawn
from shared.testing.eventually import eventually
from shared.testing.infrastructure import KafkaServer
from shared.testing.plugin import Names
from shared.testing.topics import make_topics, read_topic

from .conftest import member_joined

CHANGES = 1200
KEYS = [uuid4() for _ in range(40)]
RELAY = Path(sys.executable).parent / "fellowship-relay"


class Rollback(Exception):
    pass


async def write_changes(pool: asyncpg.Pool, topic: str) -> tuple[dict[UUID, list[UUID]], set[UUID]]:
    """Commit CHANGES changes (and roll back one in ten more); returns committed ids per key, rolled-back ids."""
    committed: dict[UUID, list[UUID]] = {key: [] for key in KEYS}
    rolled_back: set[UUID] = set()
    rng = random.Random(7)
    while sum(map(len, committed.values())) < CHANGES:
        key = rng.choice(KEYS)
        envelope = member_joined(key)
        abort = rng.random() < 0.1
        try:
            async with pool.acquire() as conn, conn.transaction():
                await enqueue_envelope(conn, topic, envelope)
                if abort:
                    raise Rollback
        except Rollback:
            rolled_back.add(envelope.event_id)
        else:
            committed[key].append(envelope.event_id)
        await asyncio.sleep(0.004)
    return committed, rolled_back


def start_relay(database_url: str, kafka: KafkaServer, log: Path) -> subprocess.Popen[bytes]:
    env = {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_PROFILE": kafka.profile,
    }
    return spawn([str(RELAY)], env=env, log_path=log)


async def relay_ready(pool: asyncpg.Pool) -> bool:
    """A relay process holds a connection to the database (it has started, whatever the machine's load)."""
    ready: bool = await pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'fellowship-relay'"
        " AND datname = current_database())"
    )
    return ready


async def kill_relays_until(
    done: asyncio.Future[object], pool: asyncpg.Pool, database_url: str, kafka: KafkaServer, log: Path
) -> int:
    """Start a relay, SIGKILL it a random while after it is ready, again and again until `done`; returns the
    kill count."""
    rng = random.Random(11)
    kills = 0
    while not done.done():
        relay = start_relay(database_url, kafka, log)
        await eventually(lambda: relay_ready(pool), timeout=60, interval=0.02, what="the relay started")
        await asyncio.sleep(rng.uniform(0.3, 1.5))
        relay.send_signal(signal.SIGKILL)
        relay.wait()
        kills += 1
    return kills


async def test_relay_killed_at_random_points_loses_nothing(
    pool: asyncpg.Pool, database_url: str, kafka: KafkaServer, names: Names, tmp_path: Path
) -> None:
    topic = names.topic("outbox-kill")
    await make_topics(kafka.bootstrap_servers, topic)
    log = tmp_path / "relay.log"

    writer = asyncio.ensure_future(write_changes(pool, topic))
    kills = await kill_relays_until(writer, pool, database_url, kafka, log)
    committed, rolled_back = await writer
    assert kills >= 3, "the relay was not killed often enough for this test to mean anything"
    async with pool.acquire() as conn:
        left = await pending_count(conn)
    assert left < CHANGES, "the killed relays published nothing, so no kill hit them mid-work"

    final = start_relay(database_url, kafka, log)
    try:
        for _ in range(600):
            async with pool.acquire() as conn:
                if await pending_count(conn) == 0:
                    break
            await asyncio.sleep(0.1)
    finally:
        final.send_signal(signal.SIGTERM)
        final.wait(30)

    await check_published(kafka.bootstrap_servers, topic, committed, rolled_back)


async def check_published(
    bootstrap: str, topic: str, committed: dict[UUID, list[UUID]], rolled_back: set[UUID]
) -> None:
    """Every committed change is on the topic, none rolled back is, and per key the first copy of each
    message arrived in commit order (duplicates allowed: consumers dedupe)."""
    wanted = {event_id for ids in committed.values() for event_id in ids}
    records = await read_topic(
        bootstrap, topic, until=lambda rs: wanted <= {UUID(json.loads(r.value)["event_id"]) for r in rs}
    )
    published = [(UUID(r.key.decode()), UUID(json.loads(r.value)["event_id"])) for r in records]
    seen = {event_id for _, event_id in published}
    assert wanted <= seen, f"{len(wanted - seen)} committed changes were never published"
    assert not rolled_back & seen, "a change from a rolled-back transaction was published"
    inversions = 0
    for key, ids in committed.items():
        first_seen = list(dict.fromkeys(event_id for k, event_id in published if k == key))
        inversions += sum(1 for a, b in zip(first_seen, ids, strict=True) if a != b)
    assert inversions == 0, f"{inversions} messages arrived out of order for their key"
