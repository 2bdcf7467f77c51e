"""Where test infrastructure comes from, in order: URLs in the environment, testcontainers when a
Docker daemon answers, else the embedded PostgreSQL and broker.

  FELLOWSHIP_TEST_POSTGRES_URL     admin URL of a PostgreSQL server tests may create databases on
  FELLOWSHIP_TEST_KAFKA_BOOTSTRAP  bootstrap servers of a Kafka cluster (KAFKA_PROFILE applies)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shared.embedded import EmbeddedBroker, EmbeddedPostgres, free_port


@dataclass(frozen=True)
class KafkaServer:
    bootstrap_servers: str
    profile: str  # "kafka" or "embedded": see shared.messaging.settings
    origin: str


def docker_available() -> bool:
    if os.environ.get("FELLOWSHIP_TEST_NO_DOCKER"):
        return False
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        client.close()
    except Exception:  # no daemon, no socket, no permission: all mean "not here"
        return False
    return True


@contextlib.contextmanager
def postgres_server() -> Iterator[tuple[str, str]]:
    """(admin URL, origin) of a PostgreSQL server for the whole test session."""
    if url := os.environ.get("FELLOWSHIP_TEST_POSTGRES_URL"):
        yield url, "environment"
    elif docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:17", driver=None) as container:
            yield container.get_connection_url(), "testcontainers"
    else:
        with tempfile.TemporaryDirectory(prefix="fellowship-pg-") as tmp:
            server = EmbeddedPostgres(Path(tmp), free_port(), durable=False)
            server.start()
            try:
                yield server.url, "embedded"
            finally:
                server.stop()


@contextlib.contextmanager
def kafka_server() -> Iterator[KafkaServer]:
    """A Kafka-protocol broker for the whole test session."""
    if bootstrap := os.environ.get("FELLOWSHIP_TEST_KAFKA_BOOTSTRAP"):
        yield KafkaServer(bootstrap, os.environ.get("KAFKA_PROFILE", "kafka"), "environment")
    elif docker_available():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as container:
            yield KafkaServer(container.get_bootstrap_server(), "kafka", "testcontainers")
    else:
        broker = EmbeddedBroker(free_port())
        broker.start()
        try:
            yield KafkaServer(broker.bootstrap_servers, "embedded", "embedded")
        finally:
            broker.stop()
