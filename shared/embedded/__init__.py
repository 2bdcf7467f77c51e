"""Embedded infrastructure for `make run` and the test suite: PostgreSQL, a Kafka-protocol broker, an SMTP sink.

Each piece runs as a child process that listens on 127.0.0.1 only and is stopped by its owner.
"""

from shared.embedded.broker import EmbeddedBroker
from shared.embedded.network import free_port, wait_for_tcp
from shared.embedded.postgres import EmbeddedPostgres

__all__ = ["EmbeddedBroker", "EmbeddedPostgres", "free_port", "wait_for_tcp"]
