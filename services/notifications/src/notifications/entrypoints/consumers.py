"""Notifications' subscribers: thin, each hands the message to a use case."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from faststream import Context
from faststream.kafka import KafkaBroker, KafkaMessage

from notifications.dependencies import NotificationsDependencies
from notifications.service_layer.directory import forget_member
from shared.contracts import Envelope, Topic
from shared.db.inbox import apply_once
from shared.dependencies import STATE_KEY
from shared.messaging import KafkaSettings, subscriber

GROUP = "notifications"
Deps = Annotated[NotificationsDependencies, Context(STATE_KEY)]


def register(broker: KafkaBroker, kafka: KafkaSettings) -> None:
    @subscriber(broker, Topic.MEMBER, group=GROUP, settings=kafka)
    async def on_member(envelope: Envelope, deps: Deps) -> None:
        await apply_once(deps.database, GROUP, envelope, deps.notifier.effect(envelope))

    @subscriber(broker, Topic.CONTACT, group=GROUP, settings=kafka)
    async def on_contact(body: Envelope | bytes, message: KafkaMessage, deps: Deps) -> None:
        record = message.raw_message
        if record.value is None:  # type: ignore[union-attr]  # a tombstone: the member was erased
            await forget_member(deps.database, UUID(record.key.decode()))  # type: ignore[union-attr]
            return
        # A tombstone decodes to empty bytes, hence `bytes` above; any other body must be an envelope.
        envelope = body if isinstance(body, Envelope) else Envelope.model_validate_json(body)
        await apply_once(deps.database, GROUP, envelope, deps.notifier.effect(envelope))

    @subscriber(broker, Topic.ACCOUNT, group=GROUP, settings=kafka)
    async def on_account_mail(envelope: Envelope, deps: Deps) -> None:
        await apply_once(deps.database, GROUP, envelope, deps.notifier.effect(envelope))

    @subscriber(broker, Topic.MATCH, group=GROUP, settings=kafka)
    async def on_match(envelope: Envelope, deps: Deps) -> None:
        await apply_once(deps.database, GROUP, envelope, deps.notifier.effect(envelope))

    @subscriber(broker, Topic.STORY, group=GROUP, settings=kafka)
    async def on_story(envelope: Envelope, deps: Deps) -> None:
        await apply_once(deps.database, GROUP, envelope, deps.notifier.effect(envelope))

    @subscriber(broker, Topic.REGISTRATION, group=GROUP, settings=kafka)
    async def on_registration(envelope: Envelope, deps: Deps) -> None:
        await apply_once(deps.database, GROUP, envelope, deps.notifier.effect(envelope))
