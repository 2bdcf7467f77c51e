"""The composition root of events."""

from __future__ import annotations

from pathlib import Path

from events.entrypoints.consumers import register
from shared.service import Service, ServiceSettings, build_service

NAME = "events"
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def bootstrap(settings: ServiceSettings) -> Service:
    return await build_service(NAME, settings, register_subscribers=register)
