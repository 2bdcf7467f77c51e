"""The composition root of the gateway: the browser's single entry point (the web client's pages and the
`/api` proxy), with its own database for sessions and rate-limit counters, and a consumer of membership's
revocations and erasures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from gateway import i18n
from gateway.adapters import sessions
from gateway.adapters.rate_limits import PageCounter
from gateway.adapters.upstream import Upstream, client_session
from gateway.dependencies import GatewayDependencies
from gateway.entrypoints.consumers import register
from gateway.entrypoints.http.account import AccountController
from gateway.entrypoints.http.admin import AssociationAdminController, FederationController
from gateway.entrypoints.http.errors import PAGE_EXCEPTION_HANDLERS
from gateway.entrypoints.http.events import CalendarFeedController, EventsController
from gateway.entrypoints.http.hosting import HostingController
from gateway.entrypoints.http.inbox import InboxController
from gateway.entrypoints.http.mentoring import MentoringController
from gateway.entrypoints.http.middleware import (
    FetchMetadataMiddleware,
    RateLimitMiddleware,
    SecurityHeadersMiddleware,
    SessionMiddleware,
)
from gateway.entrypoints.http.proxy import ProxyController
from gateway.entrypoints.http.public import PublicController
from gateway.entrypoints.http.stories import StoriesController
from gateway.entrypoints.http.welcome import WelcomeController
from gateway.settings import GatewaySettings
from shared.service import Service, ServiceSpec, build_service, open_pool
from shared.web.auth import JwtValidator

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
MIGRATIONS = HERE.parents[1] / "migrations"
STATIC = HERE / "static"
SWEEP_SECONDS = 60.0

SPEC = ServiceSpec(
    name="gateway",
    migrations=MIGRATIONS,
    route_handlers=[
        PublicController,
        AccountController,
        WelcomeController,
        MentoringController,
        EventsController,
        StoriesController,
        CalendarFeedController,
        HostingController,
        InboxController,
        AssociationAdminController,
        FederationController,
        ProxyController,
        create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False, cache_control=None),
    ],
    subscribers=register,
    opens_sealed=False,  # it reads only who a session fact is about, never the sealed fields (no key)
    description="The patients' web client (pages in English and French) and the allow-listed /api proxy.",
)
NAME = SPEC.name


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    environment.globals.update(local_time=i18n.local_time, local_clock=i18n.local_clock, local_date=i18n.local_date)
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


class SessionSweeper:
    """Deletes timed-out sessions and old rate-limit windows every minute (any replica may; all do)."""

    def __init__(self, deps: GatewayDependencies) -> None:
        self.deps = deps
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="gateway-session-sweeper")

    async def _run(self) -> None:
        while True:
            try:
                await sessions.sweep(self.deps.database, self.deps.clock())
            except Exception:  # the next sweep tries again; sessions past their time are refused anyway
                log.warning("session sweep failed", exc_info=True)
            await asyncio.sleep(SWEEP_SECONDS)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


def _upstream_check(client: aiohttp.ClientSession, url: str) -> Callable[[], Awaitable[None]]:
    async def check() -> None:
        async with client.get(f"{url}/health") as response:
            response.raise_for_status()

    return check


async def bootstrap(
    settings: GatewaySettings, *, jwt_validator: JwtValidator | None = None
) -> Service[GatewayDependencies]:
    pool = await open_pool(settings, SPEC)
    client = client_session(settings.upstreams.upstream_timeout_seconds)
    urls = settings.upstreams.by_name()
    secret = settings.web.secret_key.encode()
    if not secret:
        log.warning("GATEWAY_SECRET_KEY is not set: CSRF tokens are signed with a key of this process only")
        secret = secrets.token_bytes(32)
    dependencies = GatewayDependencies(
        pool=pool,
        jwt_validator=jwt_validator or JwtValidator(settings.jwt),
        upstream=Upstream(urls, client),
        web=settings.web,
        csrf_secret=secret,
        rate_limits=settings.rate_limits.per_minute(),
        page_counter=PageCounter(pool),
    )
    service = build_service(
        SPEC,
        settings,
        dependencies,
        background=[SessionSweeper(dependencies), dependencies.page_counter],
        readiness_checks={name: _upstream_check(client, url) for name, url in urls.items()},
        app_options={
            "middleware": [
                SecurityHeadersMiddleware(hsts=settings.web.cookie_secure),
                FetchMetadataMiddleware(),
                SessionMiddleware(dependencies),
                RateLimitMiddleware(dependencies),
            ],
            "exception_handlers": PAGE_EXCEPTION_HANDLERS,
            "template_config": template_config(),
        },
    )
    service.app.on_shutdown.append(client.close)
    return service
