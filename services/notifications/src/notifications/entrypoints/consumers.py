"""Notifications' subscribers: thin, each hands the message to a use case."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from faststream.kafka import KafkaBroker, KafkaMessage

from notifications.adapters.directory import forget
from notifications.service_layer.directory import apply_directory_message
from shared.contracts import Envelope, Topic
from shared.db.inbox import apply_once
from shared.messaging import KafkaSettings, subscriber

GROUP = "notifications"


def register(broker: KafkaBroker, pool: asyncpg.Pool, kafka: KafkaSettings) -> None:
    @subscriber(broker, Topic.MEMBER, group=GROUP, settings=kafka)
    async def on_member(envelope: Envelope) -> None:
        await apply_once(pool, GROUP, envelope, apply_directory_message)

    @subscriber(broker, Topic.CONTACT, group=GROUP, settings=kafka)
    async def on_contact(body: Envelope | None, message: KafkaMessage) -> None:
        if body is None:  # a tombstone: the member was erased; forget their contact details
            async with pool.acquire() as conn:
                await forget(conn, UUID(message.raw_message.key.decode()))  # type: ignore[union-attr]
            return
        await apply_once(pool, GROUP, body, apply_directory_message)
