"""The composition root of events."""

from __future__ import annotations

from pathlib import Path

from events.entrypoints.consumers import register
from shared.dependencies import Dependencies
from shared.service import Service, ServiceSettings, ServiceSpec, build_service, open_pool
from shared.web.auth import JwtValidator

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SPEC = ServiceSpec(
    name="events",
    migrations=MIGRATIONS,
    subscribers=register,
    description="Online conferences with healthcare professionals and peer support circles (members' view so far).",
)
NAME = SPEC.name


async def bootstrap(settings: ServiceSettings, *, jwt_validator: JwtValidator | None = None) -> Service[Dependencies]:
    pool = await open_pool(settings, SPEC)
    return build_service(
        SPEC, settings, Dependencies(pool=pool, jwt_validator=jwt_validator or JwtValidator(settings.jwt))
    )
