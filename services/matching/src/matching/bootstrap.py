"""The composition root of matching."""

from __future__ import annotations

from pathlib import Path

from matching.entrypoints.consumers import register
from shared.service import Service, ServiceSettings, build_service

NAME = "matching"
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def bootstrap(settings: ServiceSettings) -> Service:
    return await build_service(NAME, settings, register_subscribers=register)
