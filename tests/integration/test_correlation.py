"""Correlation and causation ids flow from an HTTP request into a message, and from that message into
the next one written while handling it."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import httpx
import uvicorn
from litestar import post
from litestar.datastructures import State

from shared.contracts import Envelope
from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberJoined, MemberLeft
from shared.db.inbox import apply_once
from shared.db.outbox import OutboxRelay, enqueue
from shared.embedded import free_port
from shared.messaging import KafkaSettings, make_broker, subscriber
from shared.testing.member_keys import act_as_membership
from shared.testing.outbox import staged_messages
from shared.testing.plugin import Names
from shared.testing.topics import make_topics
from shared.web import create_app

ASSOCIATION = "6f1c3f5e-4d3a-4a8e-9d1e-5b0c2a7e8f10"


@post("/join", operation_id="join")
async def join(state: State) -> dict[str, str]:
    data = MemberJoined(
        member_id="11111111-1111-1111-1111-111111111111",
        association_id=ASSOCIATION,  # type: ignore[arg-type]
        time_zone="UTC",
    )
    async with state.pool.acquire() as conn, conn.transaction():
        envelope = await enqueue(conn, data)
    return {"event_id": str(envelope.event_id)}


async def outbox_rows(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    return await staged_messages(pool)


async def test_ids_flow_from_http_into_messages_and_on(
    pool: asyncpg.Pool, kafka_settings: KafkaSettings, names: Names
) -> None:
    await act_as_membership(pool)  # the test app publishes a membership fact, sealed like membership's
    app = create_app(service="test", route_handlers=[join], state={"pool": pool})
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient() as client:
            response = await client.post(f"http://127.0.0.1:{port}/join", headers={"x-correlation-id": "journey-7"})
    finally:
        server.should_exit = True
        await serving
    assert response.status_code == 201
    first = (await outbox_rows(pool))[0]
    assert first["correlation_id"] == "journey-7" and first["causation_id"] is None

    # a consumer handling that message writes a follow-up message in its own transaction
    topic, group = names.topic("member"), names.group("follow-up")
    await make_topics(kafka_settings.bootstrap_servers, topic, f"{topic}.{group}.dlq")
    await pool.execute("UPDATE outbox SET topic = $1", topic)

    async def follow_up(conn: asyncpg.Connection, data: MessageData) -> None:
        assert isinstance(data, MemberJoined)
        await enqueue(conn, MemberLeft(member_id=data.member_id, association_id=data.association_id))

    broker = make_broker(kafka_settings, service="test")

    @subscriber(broker, topic, group=group, settings=kafka_settings)
    async def handle(envelope: Envelope) -> None:
        await apply_once(pool, group, envelope, follow_up)

    relay = OutboxRelay(pool, kafka_settings.producer_options())
    await relay.start()
    await broker.start()
    try:
        for _ in range(300):
            if len(rows := await outbox_rows(pool)) == 2:
                break
            await asyncio.sleep(0.1)
    finally:
        await broker.stop()
        await relay.stop()
    second = rows[1]
    assert second["event_type"] == "member.left"
    assert second["correlation_id"] == "journey-7"
    assert second["causation_id"] == first["event_id"]
