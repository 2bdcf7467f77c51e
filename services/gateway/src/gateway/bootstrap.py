"""The composition root of the gateway: the browser's single entry point (pages and /api proxy to come)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from litestar import Litestar, get
from litestar.datastructures import State

from gateway.settings import UpstreamSettings
from shared.web.app import create_app

NAME = "gateway"


class NoWorkers:
    """The gateway consumes no messages and owns no outbox."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


@get("/", operation_id="index", sync_to_thread=False)
def index(state: State) -> dict[str, object]:
    """What this platform runs and where."""
    return {"name": "Fellowship", "services": state.upstreams}


def _upstream_check(client: httpx.AsyncClient, url: str) -> Callable[[], Awaitable[None]]:
    async def check() -> None:
        response = await client.get(f"{url}/health")
        response.raise_for_status()

    return check


def bootstrap(upstreams: UpstreamSettings) -> tuple[Litestar, NoWorkers]:
    client = httpx.AsyncClient(timeout=2.0)
    urls = upstreams.by_name()
    app = create_app(
        service=NAME,
        route_handlers=[index],
        readiness_checks={name: _upstream_check(client, url) for name, url in urls.items()},
        state={"upstreams": urls, "http_client": client},
    )
    app.on_shutdown.append(lambda: client.aclose())
    return app, NoWorkers()
