"""The broker factory and subscriber defaults: safe by construction.

FastStream's and aiokafka's defaults lose messages (auto-commit before handling, `latest` offsets,
no group); nothing here relies on them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import REGISTRY

from shared.contracts.registry import carried_on
from shared.messaging.dead_letter import DeadLetters, KeepDeadLetter, RetryPolicy
from shared.messaging.middleware import CorrelationMiddleware
from shared.messaging.settings import KafkaSettings
from shared.observability import tracing_enabled


class Broker(KafkaBroker):
    """FastStream's KafkaBroker, its subscribers started together.

    aiokafka's consumer `start()` waits until the group has given it partitions, and FastStream starts
    subscribers one after another, so each subscriber of a service cost a whole rebalance of the group's
    members already in: five subscribers in one group took 13 s on the embedded broker (each join waits half
    a session timeout) and several seconds on Kafka. Started together they join in one round.
    """

    async def start(self) -> None:
        await self.connect()
        await asyncio.gather(*(subscriber.start() for subscriber in self.subscribers))
        for publisher in self.publishers:
            await publisher.start()
        self.running = True


def make_broker(
    settings: KafkaSettings, *, service: str, keep_dead_letter: KeepDeadLetter | None = None
) -> KafkaBroker:
    """A KafkaBroker with acks=all, idempotence where the broker supports it, retries and dead letters (kept
    by `keep_dead_letter` too, when given: the service's database)."""
    dead_letters = DeadLetters(
        RetryPolicy(settings.max_attempts, settings.retry_backoff_ms, settings.retry_backoff_max_ms),
        keep=keep_dead_letter,
    )
    middlewares: list[Any] = [CorrelationMiddleware, KafkaPrometheusMiddleware(registry=REGISTRY)]
    if tracing_enabled():
        from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware

        middlewares.insert(0, KafkaTelemetryMiddleware())
    middlewares.append(dead_letters)  # innermost: retries wrap the handler alone
    options = settings.producer_options()
    broker = Broker(
        options.pop("bootstrap_servers"),
        **options,
        middlewares=middlewares,
        logger=logging.getLogger(f"{service}.messaging"),
        log_level=logging.DEBUG,  # per-message access logs only when debugging
        graceful_timeout=30.0,
    )

    async def publish_raw(topic: str, key: bytes | None, value: bytes | None, headers: dict[str, str]) -> None:
        await broker.publish(value, topic=topic, key=key, headers=headers)

    dead_letters.bind(publish_raw)
    return broker


Handler = Callable[..., Awaitable[None]]


def subscriber(
    registrar: KafkaBroker | KafkaRouter, topic: str, *, group: str, settings: KafkaSettings
) -> Callable[[Handler], object]:
    """A subscriber decorator with a group, earliest offsets and commits only after the handler succeeded.

    NACK_ON_ERROR: an exception that escapes the retry middleware (the dead-letter topic itself
    unreachable) seeks back, so the message is read again instead of being skipped.
    """
    decorator: Callable[[Handler], object] = registrar.subscriber(
        topic,
        description=f"Consumer group {group}. {carried_on(topic)}",
        group_id=group,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        **settings.consumer_options(),
    )
    return decorator
