"""The composition root of community."""

from __future__ import annotations

from pathlib import Path

from community.entrypoints.consumers import register
from community.entrypoints.http import ROUTES
from shared.contracts import Topic
from shared.dependencies import Dependencies
from shared.service import Service, ServiceSettings, ServiceSpec, build_service, open_pool
from shared.web.auth import JwtValidator

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SPEC = ServiceSpec(
    name="community",
    migrations=MIGRATIONS,
    route_handlers=ROUTES,
    subscribers=register,
    publishes=[Topic.STORY],
    description="Patient stories, moderated before they are published and withdrawn at any time by their authors.",
)
NAME = SPEC.name


async def bootstrap(settings: ServiceSettings, *, jwt_validator: JwtValidator | None = None) -> Service[Dependencies]:
    """The service; `jwt_validator` replaces the one that fetches membership's keys (tests sign their own)."""
    pool = await open_pool(settings, SPEC)
    dependencies = Dependencies(pool=pool, jwt_validator=jwt_validator or JwtValidator(settings.jwt))
    return build_service(SPEC, settings, dependencies)
