"""Kafka client settings, read from `KAFKA_*` environment variables once, at bootstrap."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Per-profile defaults. The embedded broker (Tansu) cannot run an idempotent producer, waits
# session_timeout/2 on every group join and only re-checks waiting fetches on a timer; see
# EMBEDDED_BROKER.md. Apache Kafka gets its usual, safer-for-production values.
_PROFILES: dict[str, dict[str, Any]] = {
    "kafka": {
        "idempotence": True,
        "session_timeout_ms": 45_000,
        "heartbeat_interval_ms": 3_000,
        "fetch_max_wait_ms": 100,
        "request_timeout_ms": 30_000,
    },
    "embedded": {
        "idempotence": False,
        "session_timeout_ms": 2_000,
        "heartbeat_interval_ms": 200,
        "fetch_max_wait_ms": 20,
        "request_timeout_ms": 5_000,
    },
}


class KafkaSettings(BaseSettings):
    """`profile` picks safe defaults for the broker in use; any single value can still be overridden."""

    model_config = SettingsConfigDict(env_prefix="KAFKA_", extra="ignore")

    bootstrap_servers: str = "127.0.0.1:19092"
    profile: Literal["kafka", "embedded"] = "kafka"
    client_id: str = "fellowship"
    idempotence: bool | None = None
    session_timeout_ms: int | None = None
    heartbeat_interval_ms: int | None = None
    fetch_max_wait_ms: int | None = None
    request_timeout_ms: int | None = None
    max_attempts: int = 5
    retry_backoff_ms: int = 200
    retry_backoff_max_ms: int = 5_000

    @model_validator(mode="after")
    def _apply_profile(self) -> KafkaSettings:
        for name, value in _PROFILES[self.profile].items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)
        return self

    def producer_options(self) -> dict[str, Any]:
        """Options shared by every producer we create: the FastStream broker's and the outbox relay's."""
        return {
            "bootstrap_servers": self.bootstrap_servers,
            "acks": "all",
            "enable_idempotence": bool(self.idempotence),
            "request_timeout_ms": self.request_timeout_ms,
            "client_id": self.client_id,
        }

    def consumer_options(self) -> dict[str, Any]:
        """Options every consumer group member gets (offsets are committed by us, after success)."""
        return {
            "auto_offset_reset": "earliest",
            "session_timeout_ms": self.session_timeout_ms,
            "heartbeat_interval_ms": self.heartbeat_interval_ms,
            "fetch_max_wait_ms": self.fetch_max_wait_ms,
        }
