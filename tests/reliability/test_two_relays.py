"""Two relays alive at once (production runs two per database) while their database connections are
terminated, the idle LISTEN connection alone among them: each batch is published by one relay, so every
committed change is published and the first copy of each message per key arrives in commit order."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path

import asyncpg

from shared.db.outbox import pending_count
from shared.testing.eventually import eventually
from shared.testing.infrastructure import KafkaServer
from shared.testing.plugin import Names
from shared.testing.topics import make_topics

from .test_outbox_relay_killed import check_published, start_relay, write_changes

RELAY_APP = "fellowship-relay"
FAULT_ROUNDS = 30  # at least this many, while the changes are written and after


async def relay_connections(pool: asyncpg.Pool) -> int:
    count: int = await pool.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
        RELAY_APP,
    )
    return count


async def terminate_relay_connections(pool: asyncpg.Pool, done: asyncio.Future[object]) -> tuple[int, int]:
    """Until `done` and for at least FAULT_ROUNDS rounds: every 0.4 s terminate either the relays' idle LISTEN connections alone or all of their
    connections; returns (listen-only rounds, all-connection rounds) that terminated something."""
    listen_only = everything = 0
    turn = 0
    while not done.done() or turn < FAULT_ROUNDS:
        await asyncio.sleep(0.4)
        turn += 1
        only_listeners = turn % 2 == 1
        killed = await pool.fetchval(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = $1 AND datname = current_database()"
            # a listener's last statement: LISTEN, its health check, or (while it waits to lead) the lock try
            " AND (NOT $2 OR (state = 'idle' AND (query ILIKE 'LISTEN%' OR query ILIKE 'SELECT 1%'"
            " OR query ILIKE '%pg_try_advisory_lock(%')))",
            RELAY_APP,
            only_listeners,
        )
        if killed:
            listen_only, everything = (listen_only + 1, everything) if only_listeners else (listen_only, everything + 1)
    return listen_only, everything


async def test_two_relays_with_connections_dropped_publish_everything_in_order_per_key(
    pool: asyncpg.Pool, database_url: str, kafka: KafkaServer, names: Names, tmp_path: Path
) -> None:
    topic = names.topic("two-relays")
    await make_topics(kafka.bootstrap_servers, topic)
    relays = [start_relay(database_url, kafka, tmp_path / f"relay-{n}.log") for n in (1, 2)]
    try:
        # both are up (each holds a pool of connections) before the faults start
        await eventually(lambda: relay_connections(pool), until=lambda n: n >= 2, timeout=60, what="two relays")
        writer = asyncio.ensure_future(write_changes(pool, topic))
        listen_only, everything = await terminate_relay_connections(pool, writer)
        committed, rolled_back = await writer
        assert all(relay.poll() is None for relay in relays), "a relay died instead of reconnecting"

        async def waiting() -> int:
            async with pool.acquire() as conn:
                return await pending_count(conn)

        await eventually(waiting, until=lambda n: n == 0, timeout=90, what="the outbox drained by the relays")
    finally:
        for relay in relays:
            with contextlib.suppress(ProcessLookupError):
                relay.send_signal(signal.SIGTERM)
            relay.wait(30)

    await check_published(kafka.bootstrap_servers, topic, committed, rolled_back)
    assert everything >= 3, "the faults did not hit the relays often enough for this test to mean anything"
    # a relay whose LISTEN connection was terminated listened again on a new one (which was terminated too)
    assert listen_only >= 3, f"the relays' LISTEN connections were terminated only {listen_only} times"
