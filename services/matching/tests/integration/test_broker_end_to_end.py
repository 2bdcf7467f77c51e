"""Membership's messages on the real broker become a proposal on `matching.match.v1`: the matching service
as `bootstrap` builds it (consumers, solver loop, outbox relay) against a real Kafka-protocol broker."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

import asyncpg

from matching.bootstrap import MIGRATIONS, MatchingSettings, bootstrap
from matching.entrypoints.consumers import GROUP
from matching.settings import MatcherSettings
from shared.contracts import Topic
from shared.db.outbox import OutboxRelay, RelayConfig, enqueue
from shared.db.pool import DatabaseSettings
from shared.messaging import KafkaSettings
from shared.testing.eventually import eventually
from shared.testing.member_keys import act_as_membership
from shared.testing.plugin import ServiceDatabase
from shared.testing.topics import Records, make_topics, read_topic

from .membership_facts import approved, joined


async def test_membership_messages_on_the_broker_lead_to_a_proposal(
    pool: asyncpg.Pool, service_database: ServiceDatabase, kafka_settings: KafkaSettings
) -> None:
    bootstrap_servers = kafka_settings.bootstrap_servers
    await make_topics(bootstrap_servers, Topic.MEMBER, Topic.MATCH, f"{Topic.MEMBER}.{GROUP}.dlq")
    association, mentor, mentee = uuid4(), uuid4(), uuid4()

    # membership's side: its outbox (a database of its own) and relay, publishing to the real topic
    await act_as_membership(pool)
    async with pool.acquire() as conn, conn.transaction():
        await enqueue(conn, joined(mentor, association, roles=["member", "mentor"]))
        await enqueue(conn, approved(mentor, association))
    membership_relay = OutboxRelay(pool, kafka_settings.producer_options(), RelayConfig(poll_interval=0.1))

    settings = MatchingSettings(
        database=DatabaseSettings(url=await service_database(MIGRATIONS)),
        kafka=kafka_settings,
        matcher=MatcherSettings(debounce_seconds=0.05),
    )
    service = await bootstrap(settings)
    await act_as_membership(pool)  # after bootstrap: matching reads the keys the test's "membership" seals with
    await membership_relay.start()
    await service.workers.start()
    try:
        # The mentee's join travels on another partition than the mentor's facts (keys differ), so it is
        # sent once matching knows the mentor: otherwise the request may first be honestly unmatched.
        await eventually(lambda: service.pool.fetchval("SELECT count(*) FROM mentors"), timeout=60)
        async with pool.acquire() as conn, conn.transaction():
            await enqueue(conn, joined(mentee, association, wants_mentor=True))

        def proposed(records: Records) -> bool:
            return any(_proposal_for(record.value, mentee) for record in records)

        records = await read_topic(bootstrap_servers, Topic.MATCH, until=proposed, timeout=60)
    finally:
        await service.workers.stop()
        await membership_relay.stop()

    [message] = [m for record in records if (m := _proposal_for(record.value, mentee))]
    assert message["data"]["mentor_id"] == str(mentor) and message["association_id"] == str(association)
    assert message["data"]["first_slot"]["mentee_local"].endswith("(Europe/Paris)")
    mine = [json.loads(r.value) for r in records if r.value and r.key == str(mentee).encode()]
    assert [m["event_type"] for m in mine] == ["request.created", "match.proposed"]


def _proposal_for(value: bytes | None, mentee: UUID) -> dict[str, object] | None:
    message: dict[str, object] | None = json.loads(value) if value else None
    if message and message["event_type"] == "match.proposed" and message["subject"] == str(mentee):
        return message
    return None
