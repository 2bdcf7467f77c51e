"""The gateway's subscriber: membership's revocations and erasures end or refresh browser sessions."""

from __future__ import annotations

from typing import Annotated

from faststream import Context
from faststream.kafka import KafkaBroker

from gateway.service_layer.revocations import SESSION_FACTS, apply_session_fact
from shared.contracts import Envelope, Topic
from shared.db.inbox import apply_once
from shared.dependencies import STATE_KEY, Dependencies
from shared.messaging import KafkaSettings, subscriber

GROUP = "gateway"
Deps = Annotated[Dependencies, Context(STATE_KEY)]


def register(broker: KafkaBroker, kafka: KafkaSettings) -> None:
    @subscriber(broker, Topic.MEMBER, group=GROUP, settings=kafka)
    async def on_member(envelope: Envelope, deps: Deps) -> None:
        if envelope.event_type in SESSION_FACTS:  # the rest of a person's facts are no business of the gateway
            await apply_once(deps.database, GROUP, envelope, apply_session_fact, leave_sealed=True)
