"""Notifications' subscribers: thin, each hands the message to a use case."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from faststream.kafka import KafkaBroker, KafkaMessage

from notifications.service_layer.directory import forget_member
from notifications.service_layer.notify import Notifier
from shared.contracts import Envelope, Topic
from shared.db.inbox import apply_once
from shared.messaging import KafkaSettings, subscriber

GROUP = "notifications"


def register(broker: KafkaBroker, pool: asyncpg.Pool, kafka: KafkaSettings, notifier: Notifier) -> None:
    @subscriber(broker, Topic.MEMBER, group=GROUP, settings=kafka)
    async def on_member(envelope: Envelope) -> None:
        await apply_once(pool, GROUP, envelope, notifier.effect(envelope))

    @subscriber(broker, Topic.CONTACT, group=GROUP, settings=kafka)
    async def on_contact(body: Envelope | bytes, message: KafkaMessage) -> None:
        record = message.raw_message
        if record.value is None:  # type: ignore[union-attr]  # a tombstone: the member was erased
            await forget_member(pool, UUID(record.key.decode()))  # type: ignore[union-attr]
            return
        # A tombstone decodes to empty bytes, hence `bytes` above; any other body must be an envelope.
        envelope = body if isinstance(body, Envelope) else Envelope.model_validate_json(body)
        await apply_once(pool, GROUP, envelope, notifier.effect(envelope))

    @subscriber(broker, Topic.MATCH, group=GROUP, settings=kafka)
    async def on_match(envelope: Envelope) -> None:
        await apply_once(pool, GROUP, envelope, notifier.effect(envelope))
