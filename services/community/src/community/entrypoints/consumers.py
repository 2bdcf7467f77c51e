"""Community's subscribers: thin, each hands the message to a use case."""

from __future__ import annotations

from typing import Annotated

from faststream import Context
from faststream.kafka import KafkaBroker

from community.service_layer.members import apply_member_message
from shared.contracts import Envelope, Topic
from shared.db.inbox import apply_once
from shared.dependencies import STATE_KEY, Dependencies
from shared.messaging import KafkaSettings, subscriber

GROUP = "community"
Deps = Annotated[Dependencies, Context(STATE_KEY)]


def register(broker: KafkaBroker, kafka: KafkaSettings) -> None:
    @subscriber(broker, Topic.MEMBER, group=GROUP, settings=kafka)
    async def on_member(envelope: Envelope, deps: Deps) -> None:
        await apply_once(deps.database, GROUP, envelope, apply_member_message)
