"""pytest plugin: real PostgreSQL and Kafka, isolated per test.

Each test that asks for `database_url` gets a database of its own, migrated with the shared outbox
and inbox tables; each test that asks for `names` gets topic names and group ids no other test uses.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import asyncpg
import pytest

from shared.db import provision
from shared.db.migrations import apply_migrations
from shared.db.pool import create_pool
from shared.db.provision import drop_database, ensure_database
from shared.messaging.settings import KafkaSettings
from shared.testing.infrastructure import KafkaServer, kafka_server, postgres_server


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    with postgres_server() as (url, _origin):
        yield url


@pytest.fixture(scope="session")
def kafka() -> Iterator[KafkaServer]:
    with kafka_server() as server:
        yield server


@pytest.fixture
def kafka_settings(kafka: KafkaServer) -> KafkaSettings:
    """Fast retries so failure tests finish quickly; everything else as in production for this broker."""
    return KafkaSettings(
        bootstrap_servers=kafka.bootstrap_servers,
        profile=kafka.profile,  # type: ignore[arg-type]
        max_attempts=3,
        retry_backoff_ms=50,
        retry_backoff_max_ms=200,
    )


@dataclass(frozen=True)
class Names:
    """Names private to one test: topics, groups, databases."""

    token: str

    def topic(self, base: str = "topic") -> str:
        return f"{base}.{self.token}"

    def group(self, base: str = "group") -> str:
        return f"{base}-{self.token}"


@pytest.fixture
def names() -> Names:
    return Names(uuid4().hex[:12])


async def migrated_database(admin_url: str, name: str, *service_migrations: Path) -> str:
    url = await ensure_database(admin_url, name, password=name)
    apply_migrations(url, *service_migrations)
    return url


@pytest.fixture
async def database_url(postgres_admin_url: str, names: Names) -> AsyncIterator[str]:
    """A fresh database with the shared outbox and inbox tables."""
    name = f"t_{names.token}"
    yield await migrated_database(postgres_admin_url, name)
    await drop_database(postgres_admin_url, name)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url, max_size=10)
    yield pool
    await pool.close()


ServiceDatabase = Callable[[Path], Awaitable[str]]


@dataclass
class _Templates:
    """Migrated template databases, one per service migrations folder, made once per session."""

    admin_url: str
    token: str = field(default_factory=lambda: uuid4().hex[:8])
    made: dict[Path, str] = field(default_factory=dict)

    async def template_for(self, migrations: Path) -> str:
        if migrations not in self.made:
            name = f"tmpl{len(self.made)}_{self.token}"
            await migrated_database(self.admin_url, name, migrations)
            self.made[migrations] = name
        return self.made[migrations]


@pytest.fixture(scope="session")
def _service_templates(postgres_admin_url: str) -> Iterator[_Templates]:
    templates = _Templates(postgres_admin_url)
    yield templates

    async def drop_all() -> None:
        for name in templates.made.values():
            await drop_database(postgres_admin_url, name)

    asyncio.run(drop_all())


@pytest.fixture
async def service_database(
    postgres_admin_url: str, names: Names, _service_templates: _Templates
) -> AsyncIterator[ServiceDatabase]:
    """`await service_database(migrations_dir)`: a fresh database with the shared and the service's tables.

    Each is a copy of a template migrated once per session (CREATE DATABASE … TEMPLATE), which takes
    milliseconds where migrating every time took a second; it belongs to the template's role.
    """
    created: list[str] = []

    async def make(migrations: Path) -> str:
        template = await _service_templates.template_for(migrations)
        name = f"s{len(created)}_{names.token}"
        created.append(name)
        conn = await asyncpg.connect(postgres_admin_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" OWNER "{template}"')
        finally:
            await conn.close()
        return provision.database_url(postgres_admin_url, name, user=template, password=template)

    yield make
    conn = await asyncpg.connect(postgres_admin_url)
    try:
        for name in created:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
