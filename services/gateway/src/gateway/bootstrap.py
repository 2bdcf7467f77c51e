"""The composition root of the gateway: the browser's single entry point (pages and /api proxy to come).

HTTP only: it consumes no messages and owns no outbox (it will get a database for sessions).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from litestar import get
from litestar.datastructures import State

from gateway.settings import UpstreamSettings
from shared.dependencies import Dependencies
from shared.service import Service, ServiceSettings, ServiceSpec, build_service
from shared.web.auth import JwtValidator
from shared.web.dependencies import dependencies_of


@dataclass(kw_only=True)
class GatewayDependencies(Dependencies):
    upstreams: dict[str, str]  # service name → base URL
    http_client: httpx.AsyncClient


@get("/", operation_id="index", sync_to_thread=False)
def index(state: State) -> dict[str, object]:
    """What this platform runs and where."""
    return {"name": "Fellowship", "services": dependencies_of(state, GatewayDependencies).upstreams}


SPEC = ServiceSpec(name="gateway", route_handlers=[index], description="The patients' web client and API proxy.")
NAME = SPEC.name


@dataclass
class GatewaySettings(ServiceSettings):
    upstreams: UpstreamSettings = field(default_factory=UpstreamSettings)


def _upstream_check(client: httpx.AsyncClient, url: str) -> Callable[[], Awaitable[None]]:
    async def check() -> None:
        response = await client.get(f"{url}/health")
        response.raise_for_status()

    return check


async def bootstrap(settings: GatewaySettings) -> Service[GatewayDependencies]:
    client = httpx.AsyncClient(timeout=2.0)
    urls = settings.upstreams.by_name()
    dependencies = GatewayDependencies(jwt_validator=JwtValidator(settings.jwt), upstreams=urls, http_client=client)
    service = build_service(
        SPEC,
        settings,
        dependencies,
        readiness_checks={name: _upstream_check(client, url) for name, url in urls.items()},
    )
    service.app.on_shutdown.append(client.aclose)
    return service
