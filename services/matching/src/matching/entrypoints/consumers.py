"""Matching's subscribers: thin, each hands the message to a use case."""

from __future__ import annotations

import asyncpg
from faststream.kafka import KafkaBroker

from matching.service_layer.members import apply_member_message
from shared.contracts import Envelope, Topic
from shared.db.inbox import apply_once
from shared.messaging import KafkaSettings, subscriber

GROUP = "matching"


def register(broker: KafkaBroker, pool: asyncpg.Pool, kafka: KafkaSettings) -> None:
    @subscriber(broker, Topic.MEMBER, group=GROUP, settings=kafka)
    async def on_member(envelope: Envelope) -> None:
        await apply_once(pool, GROUP, envelope, apply_member_message)
