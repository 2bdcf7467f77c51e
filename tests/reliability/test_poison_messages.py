"""(d) Poison messages go to the dead-letter topic within the attempt limit, and the messages after
them on the same partition are still processed."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

import asyncpg
from aiokafka import AIOKafkaProducer

from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberJoined
from shared.contracts.topics import dead_letter_topic
from shared.messaging import KafkaSettings
from shared.testing.plugin import Names
from shared.testing.topics import make_topics, read_topic

from .conftest import member_joined
from .consumers import EFFECTS_TABLE, record_effect, running_consumer, wait_for_rows

KEY = b"one-member"  # every message on one key, hence one partition, in this order
ALWAYS_FAILS = uuid4()


async def fail_for_one_member(conn: asyncpg.Connection, data: MessageData) -> None:
    """The handler has a bug for one member: it raises every time."""
    assert isinstance(data, MemberJoined)
    if data.member_id == ALWAYS_FAILS:
        raise RuntimeError("handler bug")
    await record_effect(conn, data)


def as_record(envelope_json: bytes, event_id: str) -> tuple[bytes, list[tuple[str, bytes]]]:
    return envelope_json, [("event_id", event_id.encode()), ("content-type", b"application/json")]


async def test_poison_messages_are_dead_lettered_and_do_not_block(
    pool: asyncpg.Pool, kafka_settings: KafkaSettings, names: Names
) -> None:
    topic, group = names.topic("poison"), names.group("poison")
    dlq = dead_letter_topic(topic, group)
    await make_topics(kafka_settings.bootstrap_servers, topic, dlq, partitions=1)
    await pool.execute(EFFECTS_TABLE)

    good_before = member_joined()
    not_json = b'{"event_id": "broken'
    invalid = json.loads(member_joined().model_dump_json())
    del invalid["data"]["time_zone"]  # a known type whose payload does not validate
    failing = member_joined(ALWAYS_FAILS)
    good_after = [member_joined() for _ in range(5)]
    sequence = [
        as_record(good_before.model_dump_json().encode(), str(good_before.event_id)),
        as_record(not_json, "not-json"),
        as_record(json.dumps(invalid).encode(), invalid["event_id"]),
        as_record(failing.model_dump_json().encode(), str(failing.event_id)),
        *(as_record(e.model_dump_json().encode(), str(e.event_id)) for e in good_after),
    ]
    producer = AIOKafkaProducer(**kafka_settings.producer_options())
    await producer.start()
    try:
        for value, headers in sequence:
            await producer.send_and_wait(topic, value, key=KEY, headers=headers)
    finally:
        await producer.stop()

    async with running_consumer(pool, kafka_settings, topic, group, effect=fail_for_one_member):
        applied = await wait_for_rows(pool, "SELECT count(*) FROM effects", 1 + len(good_after))
        dead = await read_topic(kafka_settings.bootstrap_servers, dlq, until=lambda rs: len(rs) >= 3, timeout=30)

    assert applied == 1 + len(good_after), "messages after the poison ones were not processed"
    effects = {row["member_id"] for row in await pool.fetch("SELECT member_id FROM effects")}
    assert effects == {UUID(e.data["member_id"]) for e in [good_before, *good_after]}

    assert len(dead) == 3
    by_id = {dict(r.headers)["event_id"].decode(): {k: v.decode() for k, v in r.headers} for r in dead}
    assert set(by_id) == {"not-json", invalid["event_id"], str(failing.event_id)}
    for offset, event_id in [(1, "not-json"), (2, invalid["event_id"]), (3, str(failing.event_id))]:
        headers = by_id[event_id]
        assert headers["dlq-original-topic"] == topic
        assert headers["dlq-original-partition"] == "0"
        assert headers["dlq-original-offset"] == str(offset)
        assert headers["dlq-group"] == group
        assert int(headers["dlq-attempts"]) <= kafka_settings.max_attempts
    # unreadable input is not retried; a failing handler is, up to the limit
    assert by_id["not-json"]["dlq-attempts"] == "1"
    assert by_id[invalid["event_id"]]["dlq-attempts"] == "1"
    assert "ValidationError" in by_id[invalid["event_id"]]["dlq-error"]
    assert by_id[str(failing.event_id)]["dlq-attempts"] == str(kafka_settings.max_attempts)
    assert "handler bug" in by_id[str(failing.event_id)]["dlq-error"]
    # the dead letter keeps the original bytes and key, so it can be replayed
    assert {r.value for r in dead} >= {not_json}
    assert all(r.key == KEY for r in dead)
