"""The standard shape of a Fellowship service process: HTTP, and when it has a database, its outbox relay,
its consumers and its background workers.

Each service describes itself once, without I/O, in a `ServiceSpec` (name, migrations, routes, what it
consumes and publishes); its `bootstrap.py` opens what it needs, builds its `Dependencies` and calls
`build_service`; its CLI calls `run_cli`. The same spec writes the service's AsyncAPI document
(`shared.messaging.asyncapi`). Nothing here knows a business rule.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import asyncpg
from faststream.kafka import KafkaBroker
from litestar import Litestar
from litestar.di import Provide
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.contracts.envelope import Envelope
from shared.contracts.registry import carried_on
from shared.contracts.topics import Topic
from shared.db import dead_letters
from shared.db.migrations import apply_migrations
from shared.db.outbox import OutboxRelay
from shared.db.pool import DatabaseSettings, create_pool
from shared.dependencies import STATE_KEY, Dependencies
from shared.messaging.broker import make_broker
from shared.messaging.settings import KafkaSettings
from shared.observability import configure_logging, configure_tracing
from shared.protection import MemberKeysSettings, RemoteMemberKeys, use_key_source
from shared.web.app import create_app
from shared.web.auth import JwtSettings
from shared.web.dependencies import DEPENDENCIES
from shared.web.server import ON_HTTP_STOP, HttpSettings, serve

try:  # libuv's event loop where it exists (not on Windows): every service's I/O costs less CPU on it
    from uvloop import run as run_loop
except ImportError:  # pragma: no cover
    run_loop = asyncio.run  # type: ignore[assignment]

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
    jwt: JwtSettings = field(default_factory=JwtSettings)
    member_keys: MemberKeysSettings = field(default_factory=MemberKeysSettings)


RegisterSubscribers = Callable[[KafkaBroker, KafkaSettings], None]


@dataclass(frozen=True)
class ServiceSpec:
    """What a service is, known without I/O: the same for its process, its tests and its AsyncAPI document.

    `migrations` None: the service has no database, so no outbox, no consumers, no broker (HTTP only).
    `subscribers` registers its consumers on a broker; they take the service's `Dependencies` from the
    broker's context. `publishes` names the topics its outbox writes to: only topics it owns.
    """

    name: str
    migrations: Path | None = None
    route_handlers: Sequence[Any] = ()
    dependencies: Mapping[str, Provide] = field(default_factory=dict)
    subscribers: RegisterSubscribers | None = None
    publishes: Sequence[Topic] = ()
    description: str = ""
    opens_sealed: bool = True  # whether its consumers open people's sealed fields (keys from membership)

    def __post_init__(self) -> None:
        foreign = [str(topic) for topic in self.publishes if topic.owner != self.name]
        if foreign:
            raise ValueError(f"{self.name} may publish only to topics it owns, not to {', '.join(foreign)}")
        if self.migrations is None and (self.subscribers or self.publishes):
            raise ValueError(f"{self.name} consumes or publishes messages, so it needs a database (migrations)")

    @property
    def has_database(self) -> bool:
        return self.migrations is not None

    def broker(self, kafka: KafkaSettings, pool: asyncpg.Pool | None = None) -> KafkaBroker:
        """A broker with the service's subscribers and (for its AsyncAPI document) publishers; no I/O. With a
        pool, dead letters are kept in the service's database as well."""
        keep = None if pool is None else functools.partial(dead_letters.keep, pool)
        broker = make_broker(kafka, service=self.name, keep_dead_letter=keep)
        if self.subscribers is not None:
            self.subscribers(broker, kafka)
        for topic in self.publishes:
            description = f"Published by {self.name}'s outbox relay. {carried_on(topic)}"
            broker.publisher(str(topic), title=f"{topic}:publish", description=description, schema=Envelope)
        return broker


class BackgroundWorker(Protocol):
    """A service's own long-running task beside HTTP and consumers (e.g. matching's solver loop)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class HttpOnlyWorkers:
    """An HTTP-only service's workers: its background workers alone (no outbox, no consumers)."""

    def __init__(self, background: Sequence[BackgroundWorker] = ()) -> None:
        self.background = list(background)

    async def start(self) -> None:
        for worker in self.background:
            await worker.start()

    async def quiesce(self) -> None:
        """Stop the background workers (nothing is written on its own any more)."""
        for worker in reversed(self.background):
            await worker.stop()

    async def stop(self) -> None:
        await self.quiesce()


class MessagingWorkers(HttpOnlyWorkers):
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
        super().__init__(background)
        self.broker = broker
        self.relay = relay
        self.pool = pool
        self.drain_timeout = drain_timeout

    async def start(self) -> None:
        await self.relay.start()
        await self.broker.start()
        await super().start()

    async def stop(self) -> None:
        await self.quiesce()
        if not await self.relay.drain(self.drain_timeout):
            log.warning("outbox not empty at stop; the rows wait for the next start")
        await self.relay.stop()
        await self.broker.stop()
        await self.pool.close()


DependenciesT = TypeVar("DependenciesT", bound=Dependencies)


@dataclass
class Service(Generic[DependenciesT]):
    name: str
    app: Litestar
    workers: MessagingWorkers | HttpOnlyWorkers
    dependencies: DependenciesT
    broker: KafkaBroker | None

    @property
    def pool(self) -> asyncpg.Pool:
        return self.dependencies.database


async def open_pool(settings: ServiceSettings, spec: ServiceSpec) -> asyncpg.Pool:
    """The service's pool, its connections named after the service in pg_stat_activity (unless set)."""
    database = settings.database
    if database.application_name == DatabaseSettings.model_fields["application_name"].default:
        database = database.model_copy(update={"application_name": spec.name})
    return await create_pool(
        database.url, min_size=database.pool_min_size, max_size=database.pool_max_size, settings=database
    )


def build_service(
    spec: ServiceSpec,
    settings: ServiceSettings,
    dependencies: DependenciesT,
    *,
    background: Sequence[BackgroundWorker] = (),
    on_http_stop: Sequence[Callable[[], None]] = (),
    readiness_checks: Mapping[str, Callable[[], Awaitable[object]]] | None = None,
    app_options: Mapping[str, Any] | None = None,
) -> Service[DependenciesT]:
    """Wire the HTTP app and, for a service with a database, the broker, its subscribers and the relay.
    `app_options` adds to the HTTP app's configuration (see `create_app`)."""
    checks = dict(readiness_checks or {})
    broker: KafkaBroker | None = None
    workers: MessagingWorkers | HttpOnlyWorkers
    if spec.has_database:
        pool = dependencies.database
        broker = spec.broker(settings.kafka, pool)
        broker.context.set_global(STATE_KEY, dependencies)
        if spec.subscribers is not None and spec.opens_sealed:  # its consumers open sealed fields with keys
            use_key_source(RemoteMemberKeys(settings.member_keys, settings.jwt.jwks_url))
        relay = OutboxRelay(pool, settings.kafka.producer_options(), name=f"{spec.name}-outbox-relay")
        checks.update(database=_database_check(pool), broker=_broker_check(broker, settings.kafka))
        workers = MessagingWorkers(broker, relay, pool, background=background)
    else:
        workers = HttpOnlyWorkers(background)
    app = create_app(
        service=spec.name,
        route_handlers=spec.route_handlers,
        readiness_checks=checks,
        state={STATE_KEY: dependencies, ON_HTTP_STOP: list(on_http_stop)},
        dependencies={**DEPENDENCIES, **spec.dependencies},
        options=app_options,
    )
    return Service(name=spec.name, app=app, workers=workers, dependencies=dependencies, broker=broker)


def _database_check(pool: asyncpg.Pool) -> Callable[[], Awaitable[object]]:
    async def database_ready() -> None:
        await pool.fetchval("SELECT 1")

    return database_ready


def _broker_check(broker: KafkaBroker, kafka: KafkaSettings) -> Callable[[], Awaitable[object]]:
    async def broker_ready() -> None:
        if not await broker.ping(timeout=2.0):
            raise ConnectionError(f"broker {kafka.bootstrap_servers} does not answer")

    return broker_ready


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def run_cli(
    spec: ServiceSpec,
    build: Callable[[SettingsT], Awaitable[Service[Any]]],
    *,
    settings_type: Callable[[], SettingsT],
    extra_commands: dict[str, Callable[[SettingsT], Coroutine[Any, Any, None]]] | None = None,
    argv: list[str] | None = None,
) -> None:
    """`fellowship-<name> serve | migrate | <extra>` (`migrate` only with a database); settings read once."""
    extra = extra_commands or {}
    parser = argparse.ArgumentParser(prog=f"fellowship-{spec.name}")
    commands = ["serve", *(["migrate"] if spec.has_database else []), *extra]
    parser.add_argument("command", choices=commands)
    args = parser.parse_args(argv)
    settings = settings_type()
    configure_logging(spec.name, settings.log.level)
    configure_tracing(spec.name)
    if args.command == "migrate":
        assert spec.migrations is not None
        applied = apply_migrations(settings.database.url, spec.migrations)
        log.info("migrations applied", extra={"count": applied})
    elif args.command == "serve":
        run_loop(_serve(build, settings))
    else:
        run_loop(extra[args.command](settings))


async def _serve(build: Callable[[SettingsT], Awaitable[Service[Any]]], settings: SettingsT) -> None:
    service = await build(settings)
    await serve(service.app, settings.http, service.workers)
