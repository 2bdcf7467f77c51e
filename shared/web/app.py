"""The Litestar app factory every service uses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import uuid4

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import ASGIMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.types import ASGIApp, Receive, Scope, Send

from shared.messaging import correlation
from shared.observability import tracing_enabled
from shared.web.errors import EXCEPTION_HANDLERS
from shared.web.health import HealthController, ReadinessCheck

CORRELATION_HEADER = "x-correlation-id"
MAX_BODY_BYTES = 1024 * 1024  # routes that take files raise their own limit
BEARER = "bearer"  # the OpenAPI security scheme of routes that need an access token


class CorrelationIdMiddleware(ASGIMiddleware):
    """Takes the caller's correlation id (or makes one), binds it for the request and echoes it back."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        headers = dict(scope.get("headers", []))
        incoming = headers.get(CORRELATION_HEADER.encode(), b"").decode()[:128]
        correlation_id = incoming or str(uuid4())
        correlation.bind(correlation_id, None)

        async def send_with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (CORRELATION_HEADER.encode(), correlation_id.encode())]
            await send(message)

        await next_app(scope, receive, send_with_id)


class MetricsController(PrometheusController):
    path = "/metrics"
    include_in_schema = False


def create_app(
    *,
    service: str,
    route_handlers: Sequence[Any] = (),
    readiness_checks: Mapping[str, ReadinessCheck] | None = None,
    state: Mapping[str, Any] | None = None,
    dependencies: Mapping[str, Provide] | None = None,
    version: str = "0.1.0",
    options: Mapping[str, Any] | None = None,
) -> Litestar:
    """A Litestar app with health, readiness, metrics, error mapping and correlation ids. `options` adds to
    the app's configuration: `middleware` runs after the standard ones, `exception_handlers` override the
    standard mapping, anything else (templates, hooks) is passed as it is."""
    extra = dict(options or {})
    prometheus = PrometheusConfig(
        app_name=service, prefix="http", group_path=True, exclude=["/health", "/ready", "/metrics"]
    )
    middleware: list[Any] = [CorrelationIdMiddleware(), prometheus.middleware, *extra.pop("middleware", [])]
    plugins: list[Any] = []
    if tracing_enabled():
        from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin

        plugins.append(OpenTelemetryPlugin(OpenTelemetryConfig()))
    config = AppConfig(
        route_handlers=[HealthController, MetricsController, *route_handlers],
        middleware=middleware,
        plugins=plugins,
        exception_handlers={**EXCEPTION_HANDLERS, **extra.pop("exception_handlers", {})},
        state=State({"readiness_checks": dict(readiness_checks or {}), **(state or {})}),
        dependencies=dict(dependencies or {}),
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title=f"Fellowship {service}",
            version=version,
            components=Components(
                security_schemes={BEARER: SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
        ),
        **extra,
    )
    return Litestar.from_config(config)
