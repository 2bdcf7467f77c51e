"""The standard shape of a Fellowship service process: one database, one broker, HTTP, relay, consumers.

Each service's `bootstrap.py` calls `build_service` with its own routes and subscribers; its CLI calls
`run_cli`. Nothing here knows a business rule.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import asyncpg
from faststream.kafka import KafkaBroker
from litestar import Litestar
from litestar.di import Provide
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.db.migrations import apply_migrations
from shared.db.outbox import OutboxRelay
from shared.db.pool import DatabaseSettings, create_pool
from shared.messaging.broker import make_broker
from shared.messaging.settings import KafkaSettings
from shared.observability import configure_logging, configure_tracing
from shared.web.app import create_app
from shared.web.server import HttpSettings, serve

log = logging.getLogger(__name__)


class LogSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOG_", extra="ignore")

    level: str = "INFO"


@dataclass
class ServiceSettings:
    """Every group of settings a standard service reads, each from its own environment prefix."""

    http: HttpSettings = field(default_factory=HttpSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    log: LogSettings = field(default_factory=LogSettings)


class BackgroundWorker(Protocol):
    """A service's own long-running task beside HTTP and consumers (e.g. matching's solver loop)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class MessagingWorkers:
    """Consumers, the outbox relay and the service's background workers. On stop, background workers stop
    first (they write to the outbox), then the outbox is flushed, then consumers commit and leave."""

    def __init__(
        self,
        broker: KafkaBroker,
        relay: OutboxRelay,
        pool: asyncpg.Pool,
        *,
        background: Sequence[BackgroundWorker] = (),
        drain_timeout: float = 30.0,
    ):
        self.broker = broker
        self.relay = relay
        self.pool = pool
        self.background = list(background)
        self.drain_timeout = drain_timeout

    async def start(self) -> None:
        self.relay.start()
        await self.broker.start()
        for worker in self.background:
            await worker.start()

    async def stop(self) -> None:
        for worker in reversed(self.background):
            await worker.stop()
        if not await self.relay.drain(self.drain_timeout):
            log.warning("outbox not empty at stop; the rows wait for the next start")
        await self.relay.stop()
        await self.broker.stop()
        await self.pool.close()


@dataclass
class Service:
    app: Litestar
    workers: MessagingWorkers
    pool: asyncpg.Pool
    broker: KafkaBroker


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)
RegisterSubscribers = Callable[[KafkaBroker, asyncpg.Pool, KafkaSettings], None]


async def build_service(
    name: str,
    settings: ServiceSettings,
    *,
    route_handlers: Sequence[Any] = (),
    register_subscribers: RegisterSubscribers | None = None,
    dependencies: Mapping[str, Provide] | None = None,
) -> Service:
    """Wire pool, broker, subscribers, relay and the HTTP app of one service."""
    pool = await create_pool(
        settings.database.url, min_size=settings.database.pool_min_size, max_size=settings.database.pool_max_size
    )
    broker = make_broker(settings.kafka, service=name)
    if register_subscribers is not None:
        register_subscribers(broker, pool, settings.kafka)
    relay = OutboxRelay(pool, settings.kafka.producer_options(), name=f"{name}-outbox-relay")

    async def database_ready() -> None:
        await pool.fetchval("SELECT 1")

    async def broker_ready() -> None:
        if not await broker.ping(timeout=2.0):
            raise ConnectionError(f"broker {settings.kafka.bootstrap_servers} does not answer")

    app = create_app(
        service=name,
        route_handlers=route_handlers,
        readiness_checks={"database": database_ready, "broker": broker_ready},
        state={"pool": pool, "broker": broker},
        dependencies=dependencies,
    )
    return Service(app=app, workers=MessagingWorkers(broker, relay, pool), pool=pool, broker=broker)


def run_cli(
    name: str,
    build: Callable[[SettingsT], Awaitable[Service]],
    migrations: Path | None,
    *,
    settings_type: Callable[[], SettingsT],
    extra_commands: dict[str, Callable[[SettingsT], Coroutine[Any, Any, None]]] | None = None,
    argv: list[str] | None = None,
) -> None:
    """`fellowship-<name> migrate | serve | <extra>`; settings are read once, as `settings_type()`."""
    extra = extra_commands or {}
    parser = argparse.ArgumentParser(prog=f"fellowship-{name}")
    commands = ["serve", *([] if migrations is None else ["migrate"]), *extra]
    parser.add_argument("command", choices=commands)
    args = parser.parse_args(argv)
    settings = settings_type()
    configure_logging(name, settings.log.level)
    configure_tracing(name)
    if args.command == "migrate":
        assert migrations is not None
        applied = apply_migrations(settings.database.url, migrations)
        log.info("migrations applied", extra={"count": applied})
    elif args.command == "serve":
        asyncio.run(_serve(build, settings))
    else:
        asyncio.run(extra[args.command](settings))


async def _serve(build: Callable[[SettingsT], Awaitable[Service]], settings: SettingsT) -> None:
    service = await build(settings)
    await serve(service.app, settings.http, service.workers)
