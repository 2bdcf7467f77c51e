"""The composition root of matching: settings, pool, consumers, HTTP routes, the solver loop, relay."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from matching.entrypoints.consumers import register
from matching.entrypoints.http import ROUTES
from matching.service_layer.matcher import Matcher
from matching.settings import MatcherSettings
from shared.contracts import Topic
from shared.dependencies import Dependencies
from shared.service import Service, ServiceSettings, ServiceSpec, build_service, open_pool
from shared.web.auth import JwtValidator

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SPEC = ServiceSpec(
    name="matching",
    migrations=MIGRATIONS,
    route_handlers=ROUTES,
    subscribers=register,
    publishes=[Topic.MATCH],
    description="Pairs members who ask for a peer mentor with approved mentors, optimally and explainably.",
)
NAME = SPEC.name


@dataclass
class MatchingSettings(ServiceSettings):
    matcher: MatcherSettings = field(default_factory=MatcherSettings)


async def bootstrap(settings: MatchingSettings, *, jwt_validator: JwtValidator | None = None) -> Service[Dependencies]:
    """The service; `jwt_validator` replaces the one that fetches membership's keys (tests sign their own)."""
    pool = await open_pool(settings, SPEC)
    dependencies = Dependencies(pool=pool, jwt_validator=jwt_validator or JwtValidator(settings.jwt))
    return build_service(SPEC, settings, dependencies, background=[Matcher(pool, settings.matcher)])
