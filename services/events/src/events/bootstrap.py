"""The composition root of events."""

from __future__ import annotations

from pathlib import Path

from events.entrypoints.consumers import register
from events.entrypoints.http import ROUTES
from events.service_layer.offer_sweeper import OfferSweeper
from shared.contracts import Topic
from shared.dependencies import Dependencies
from shared.service import Service, ServiceSettings, ServiceSpec, build_service, open_pool
from shared.web.auth import JwtValidator

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SPEC = ServiceSpec(
    name="events",
    migrations=MIGRATIONS,
    route_handlers=ROUTES,
    subscribers=register,
    publishes=[Topic.CONFERENCE, Topic.REGISTRATION],
    description="Online conferences with healthcare professionals and peer support circles: registration and waitlist.",
)
NAME = SPEC.name


async def bootstrap(settings: ServiceSettings, *, jwt_validator: JwtValidator | None = None) -> Service[Dependencies]:
    pool = await open_pool(settings, SPEC)
    dependencies = Dependencies(pool=pool, jwt_validator=jwt_validator or JwtValidator(settings.jwt))
    return build_service(SPEC, settings, dependencies, background=[OfferSweeper(pool, clock=dependencies.clock)])
