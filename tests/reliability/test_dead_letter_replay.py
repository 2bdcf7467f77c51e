"""Dead letters are kept in the consumer's database as well as on the DLQ topic, and `fellowship-dlq`
lists, shows and replays them to their original topic; the inbox makes a replay safe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg

from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberJoined
from shared.contracts.topics import dead_letter_topic
from shared.messaging import KafkaSettings
from shared.testing.plugin import Names
from shared.testing.topics import make_topics

from .conftest import member_joined
from .consumers import EFFECTS_TABLE, record_effect, running_consumer, wait_for_rows

DLQ = Path(sys.executable).with_name("fellowship-dlq")
broken_for: set[UUID] = set()


async def fails_while_broken(conn: asyncpg.Connection, data: MessageData) -> None:
    """A handler with a bug for some members, fixed once they leave `broken_for`."""
    assert isinstance(data, MemberJoined)
    if data.member_id in broken_for:
        raise RuntimeError("handler bug")
    await record_effect(conn, data)


def dlq(database_url: str, kafka: KafkaSettings, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_PROFILE": kafka.profile,
    }
    done = subprocess.run([str(DLQ), *args], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_dead_letters_are_kept_listed_shown_and_replayed_once(
    pool: asyncpg.Pool, database_url: str, kafka_settings: KafkaSettings, names: Names
) -> None:
    topic, group = names.topic("replay"), names.group("replay")
    await make_topics(kafka_settings.bootstrap_servers, topic, dead_letter_topic(topic, group), partitions=1)
    await pool.execute(EFFECTS_TABLE)
    unlucky = member_joined(uuid4())
    broken_for.add(UUID(unlucky.data["member_id"]))
    after = member_joined()

    async with running_consumer(pool, kafka_settings, topic, group, effect=fails_while_broken) as broker:
        await broker.publish(unlucky.model_dump_json().encode(), topic=topic, key=b"k", headers=unlucky.headers())
        await broker.publish(after.model_dump_json().encode(), topic=topic, key=b"k", headers=after.headers())
        await wait_for_rows(pool, "SELECT count(*) FROM effects", 1)
        await wait_for_rows(pool, "SELECT count(*) FROM dead_letters", 1)

        [kept] = await pool.fetch("SELECT id, consumer_group, topic, attempts, error, headers FROM dead_letters")
        assert (kept["consumer_group"], kept["topic"]) == (group, topic)
        assert kept["attempts"] == kafka_settings.max_attempts and "handler bug" in kept["error"]
        assert kept["headers"]["event_id"] == str(unlucky.event_id)

        listed = dlq(database_url, kafka_settings, "list", "--group", group, "--since", "1h")
        assert f"{kept['id']:>6}" in listed and "member.joined" in listed and "1 dead letter(s)" in listed
        shown = dlq(database_url, kafka_settings, "show", str(kept["id"]))
        assert str(unlucky.event_id) in shown and "handler bug" in shown

        broken_for.clear()  # the bug is fixed
        replayed = dlq(database_url, kafka_settings, "replay", "--group", group, "--topic", topic)
        assert "1 dead letter(s) replayed" in replayed
        await wait_for_rows(pool, "SELECT count(*) FROM effects", 2)
        again = dlq(database_url, kafka_settings, "replay", "--group", group)
        assert "0 dead letter(s) replayed" in again

    effects = {row["member_id"] for row in await pool.fetch("SELECT member_id FROM effects")}
    assert effects == {UUID(unlucky.data["member_id"]), UUID(after.data["member_id"])}
    assert await pool.fetchval("SELECT replayed_at IS NOT NULL FROM dead_letters") is True
    assert "0 dead letter(s)" in dlq(database_url, kafka_settings, "list")
    assert "1 dead letter(s)" in dlq(database_url, kafka_settings, "list", "--all")
