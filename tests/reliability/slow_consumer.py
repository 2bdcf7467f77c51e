"""A consumer process for the redelivery test: the services' broker factory, subscriber defaults and inbox,
and an effect that sometimes lingers inside its transaction (so the test can SIGKILL it there).

Run as `python slow_consumer.py` with DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, KAFKA_PROFILE, TOPIC, GROUP.
"""

from __future__ import annotations

import asyncio
import os

import asyncpg

from shared.contracts import Envelope
from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberJoined
from shared.db.inbox import apply_once
from shared.db.pool import DatabaseSettings, create_pool
from shared.messaging import KafkaSettings, make_broker, subscriber

APPLICATION = "slow-consumer"


LINGER_MARK = 1900  # a `member.joined` with this birth year keeps its transaction open for LINGER_SECONDS
LINGER_SECONDS = 7.0  # longer than aiokafka's auto-commit interval (5 s), which FastStream's ACK_FIRST uses


async def main() -> None:
    database = DatabaseSettings(application_name=APPLICATION)
    pool = await create_pool(database.url, settings=database)
    kafka = KafkaSettings()
    topic, group = os.environ["TOPIC"], os.environ["GROUP"]
    broker = make_broker(kafka, service=APPLICATION)

    async def effect(conn: asyncpg.Connection, data: MessageData) -> None:
        assert isinstance(data, MemberJoined)
        await conn.execute("INSERT INTO effects (member_id) VALUES ($1)", data.member_id)
        if data.birth_year == LINGER_MARK:
            await asyncio.sleep(LINGER_SECONDS)  # the effect and the inbox row are written, not committed

    @subscriber(broker, topic, group=group, settings=kafka)
    async def handle(envelope: Envelope) -> None:
        await apply_once(pool, group, envelope, effect)

    await broker.start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
