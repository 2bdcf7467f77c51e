"""Kafka plumbing with safe defaults: broker factory, retries and dead letters, correlation ids, topics."""

from shared.messaging.broker import make_broker, subscriber
from shared.messaging.dead_letter import DeadLetters, RetryPolicy
from shared.messaging.settings import KafkaSettings

__all__ = ["DeadLetters", "KafkaSettings", "RetryPolicy", "make_broker", "subscriber"]
