"""The composition root of matching: settings, pool, consumers, HTTP routes, the solver loop, relay."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from matching.entrypoints.consumers import register
from matching.entrypoints.http import ROUTES
from matching.entrypoints.http.dependencies import DEPENDENCIES
from matching.service_layer.matcher import Matcher
from matching.settings import MatcherSettings
from shared.service import Service, ServiceSettings, build_service
from shared.web.auth import JwtSettings, JwtValidator

NAME = "matching"
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@dataclass
class MatchingSettings(ServiceSettings):
    jwt: JwtSettings = field(default_factory=JwtSettings)
    matcher: MatcherSettings = field(default_factory=MatcherSettings)


async def bootstrap(settings: MatchingSettings) -> Service:
    service = await build_service(
        NAME, settings, route_handlers=ROUTES, register_subscribers=register, dependencies=DEPENDENCIES
    )
    service.app.state.update({"jwt_validator": JwtValidator(settings.jwt)})
    service.workers.background.append(Matcher(service.pool, settings.matcher))
    return service
